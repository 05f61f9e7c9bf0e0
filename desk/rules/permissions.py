"""Who may do what. Enforced in services, not only by hiding buttons.

Reading tickets needs a staff account and nothing more: the acting staff member is
resolved first (``StaffService.resolve_actor``; NoStaffAccount for anyone else), and
every account holds at least the counter role. Actions here are what needs more.
"""
from __future__ import annotations

from db.enums import IncidentStatus, Role
from desk.actor import Actor
from desk.errors import PermissionDenied

ACTIONS: dict[str, Role] = {
    "incident.open": Role.COUNTER,
    "incident.edit": Role.COUNTER,
    "incident.comment": Role.COUNTER,
    "incident.assign": Role.TECHNICIAN,
    "incident.transition": Role.COUNTER,
    # Resolving or closing needs a technician; counter staff close only the walk-in
    # repair they hand back (repair.pickup). The server applies the same table.
    "incident.resolve": Role.TECHNICIAN,
    "repair.pickup": Role.COUNTER,
    "incident.link_problem": Role.TECHNICIAN,
    "incident.promote_major": Role.SUPERVISOR,
    # Working a major incident (comms updates, team, children); starting one is promote_major.
    "major.manage": Role.TECHNICIAN,
    "problem.open": Role.TECHNICIAN,
    "problem.edit": Role.TECHNICIAN,
    "person.edit": Role.COUNTER,
    "people.import": Role.ADMIN,
    "vip.manage": Role.SUPERVISOR,
    "sla.manage": Role.SUPERVISOR,
    # Replaying past tickets under a proposed calendar or SLA change (desk sla what-if).
    "sla.what_if": Role.SUPERVISOR,
    # The SLA cron jobs (desk sla recompute | sweep | auto-close), run under a supervisor's login.
    "sla.jobs": Role.SUPERVISOR,
    # Recording SLA alerts as they happen and telling the people concerned: any
    # technician's open workstation may take the job (one at a time, desk.escalation).
    "sla.alerts": Role.TECHNICIAN,
    "report.run": Role.SUPERVISOR,
    "staff.manage": Role.ADMIN,
    "model.manage": Role.SUPERVISOR,
    # The desk's mail settings, its templates and which events send mail per service.
    "mail.manage": Role.SUPERVISOR,
    # Reading the desk's mailbox into tickets (cron under a supervisor's login, or an open
    # supervisor workstation).
    "mail.fetch": Role.SUPERVISOR,
    # Filling a database with a synthetic university (desk demo).
    "demo.load": Role.ADMIN,
}

ACTION_WORDS: dict[str, str] = {
    "vip.manage": "grant or remove VIP status",
    "people.import": "import the people directory",
    "staff.manage": "manage staff accounts",
    "incident.promote_major": "start or confirm a major incident",
    "major.manage": "work on a major incident",
    "incident.resolve": "resolve or close incidents",
    "repair.pickup": "hand back a repaired laptop",
    "sla.manage": "change SLA targets or calendars",
    "sla.what_if": "compare SLA outcomes of past tickets under a change",
    "sla.jobs": "run the SLA jobs (recompute, sweep, auto-close)",
    "sla.alerts": "record SLA alerts and send their notifications",
    "demo.load": "load demo data",
    "mail.manage": "set up e-mail, its templates and which events send mail",
    "mail.fetch": "read the desk's mailbox into tickets",
}


# Audit events that drive a rule, with the action a staff login needs to record one
# (the server refuses the entry through desk_audit() otherwise): a dismissed surge
# proposal stops Desk proposing a major incident for that service.
AUDIT_EVENT_ACTIONS: dict[tuple[str, str], str] = {
    ("service", "surge_dismissed"): "incident.promote_major",
    ("incident", "page"): "incident.promote_major",
    ("incident", "pickup"): "repair.pickup",
    ("incident", "major_team"): "major.manage",
    ("person", "vip"): "vip.manage",
    ("vip_policy", "published"): "vip.manage",
    ("sla", "version"): "sla.manage",
    ("calendar", "version"): "sla.manage",
}


def transition_action(target: IncidentStatus) -> str:
    """The action a status move needs: resolving and closing are technician work."""
    return "incident.resolve" if target in (IncidentStatus.RESOLVED, IncidentStatus.CLOSED) else "incident.transition"


def refusal(actor: Actor, action: str) -> str | None:
    """Why ``actor`` may not do ``action`` (for a disabled button), or None if they may."""
    role = ACTIONS[action]
    if actor.has(role):
        return None
    what = ACTION_WORDS.get(action, action.replace(".", " ").replace("_", " "))
    return f"{actor.display_name} ({actor.role_label or 'no role'}) may not {what}: that needs the {role.value} role."


def may(actor: Actor, action: str) -> bool:
    """Whether ``actor`` may do ``action`` (to enable a button; the service still checks)."""
    return refusal(actor, action) is None


def require(actor: Actor, action: str) -> None:
    why = refusal(actor, action)
    if why is not None:
        raise PermissionDenied(why)
