"""What the server guards on each table: who may write it, which columns it audits,
which instants come from the server's clock, which columns name the acting staff member.

Choices, per table (why grants, triggers, row-level security or definer functions):

* **Table privileges** (GRANT per group role) say which role may INSERT/UPDATE/DELETE a
  table at all. They are the first wall and the cheapest: the server refuses before any
  row is read. Nobody but the owner has DELETE on a record table; TRUNCATE, REFERENCES
  and TRIGGER are granted to no one.
* **BEFORE triggers** enforce rules that depend on the row's values: the lifecycle
  (``rule_transitions``), the priority matrix (``rule_priorities``), numbers from the
  function, server time for instants, the acting staff account its own, and the
  row-dependent role rules ("only the repair at pickup" for counter staff). A trigger can
  name the rule in its message, which a row-level security policy cannot (RLS rejects
  silently or with a generic error), and it sees OLD and NEW together.
* **Row-level security** where the rule is "only your own rows" and other rows should be
  invisible, not merely read-only: saved queue views.
* **SECURITY DEFINER functions** (owned by the schema owner, ``search_path`` pinned) for
  what a staff login must be able to cause but never do by hand: drawing a number
  (``desk_next_number``), writing an event to the audit log (``desk_audit``), sealing
  the chain, and following staff-role changes with group membership.
* **AFTER triggers** write the audit rows for every change a staff login makes to an
  audited table, from OLD and NEW, with the server's clock and ``session_user``.

The schema owner (and superusers) stand outside this boundary: they own the tables and
could switch any trigger off. Desk writes their audit rows itself, as it does on SQLite,
and the hash chain shows whether anything bypassed the triggers.
"""
from __future__ import annotations

from dataclasses import dataclass

from db.enums import Role


@dataclass(frozen=True)
class Guarded:
    table: str
    # Audit entity name (what the services write in audit_log.entity); None: not audited.
    entity: str | None = None
    # On insert, one 'created' entry whose new value is this column.
    created_from: str | None = None
    # On insert, one entry per non-NULL column of these (what the services record).
    on_insert: tuple[str, ...] = ()
    # Bookkeeping the server never audits: versions, derived or recomputable values.
    ignored: tuple[str, ...] = ()
    # Instants a staff login cannot choose: set to the server's clock.
    times: tuple[str, ...] = ()
    # Columns naming a staff account: must be the login's own.
    actors: tuple[str, ...] = ()
    # Of ``times``, the instants of the row's creation: a staff login's update may not
    # change them (re-stamped with the server's clock, opened_at would restart the SLA).
    fixed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    """A membership row (role of a staff account, team member, major team member):
    audited on the owning record as '<field>' added / removed."""

    table: str
    entity: str
    id_column: str
    field: str
    value_column: str
    times: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()


_SLA_DERIVED = (
    "response_due_at", "resolution_due_at", "response_at_risk_at", "resolution_at_risk_at",
    "response_target_s", "resolution_target_s", "response_elapsed_s", "resolution_elapsed_s",
    "sla_paused_at", "sla_version_id",
)

GUARDED: tuple[Guarded, ...] = (
    Guarded("incidents", "incident", "number", ("status", "priority", "assignee_id"),
            ignored=("updated_at", "version", "search_vector", "priority_explanation", *_SLA_DERIVED),
            times=("opened_at", "updated_at", "responded_at", "resolved_at", "closed_at"),
            actors=("created_by_id",), fixed=("opened_at",)),
    Guarded("problems", "problem", "number", ("status",), ignored=("updated_at", "version"),
            times=("opened_at", "updated_at", "resolved_at", "closed_at"), actors=("created_by_id",),
            fixed=("opened_at",)),
    Guarded("journal_entries", "journal", "kind", times=("at",), actors=("author_id",)),
    Guarded("tasks", "task", "title", ignored=("version",), times=("done_at",), actors=("done_by_id",)),
    Guarded("attachments", "attachment", "filename", ignored=("data",), times=("added_at",),
            actors=("added_by_id",)),
    Guarded("devices", "device", "asset_tag", ignored=("updated_at", "version"),
            times=("created_at", "updated_at"), fixed=("created_at",)),
    Guarded("repairs", "repair", "incident_id", ignored=("version",),
            times=("intake_at", "ready_at", "picked_up_at"), actors=("intake_by_id", "pickup_by_id"),
            fixed=("intake_at",)),
    Guarded("repair_accessories", "repair_accessory", "name"),
    Guarded("signatures", "signature", "purpose", ignored=("png",), times=("signed_at",)),
    Guarded("loaners", "loaner", "asset_tag", ignored=("version",), times=("added_at", "retired_at"),
            fixed=("added_at",)),
    Guarded("loans", "loan", "loaner_id", times=("lent_at", "returned_at"),
            actors=("lent_by_id", "returned_to_id"), fixed=("lent_at",)),
    Guarded("people", "person", "university_id", ignored=("updated_at", "version"),
            times=("created_at", "updated_at"), fixed=("created_at",)),
    Guarded("person_statuses", "person_status", "kind"),
    Guarded("affiliations", "affiliation", "department_id"),
    Guarded("departments", "department", "name"),
    Guarded("staff_accounts", "staff", "username", ignored=("version",), times=("created_at",),
            fixed=("created_at",)),
    Guarded("teams", "team", "name"),
    Guarded("services", "service", "name"),
    Guarded("categories", "category", "name"),
    Guarded("vip_policies", "vip_policy", "version", times=("published_at",), actors=("published_by_id",)),
    Guarded("vip_grants", "vip_grant", "person_id", times=("granted_at", "revoked_at"),
            actors=("granted_by_id", "revoked_by_id"), fixed=("granted_at",)),
    Guarded("sla_calendars", "calendar", "name", times=("created_at",)),
    Guarded("sla_calendar_versions", "calendar_version", "version", times=("created_at",),
            actors=("created_by_id",)),
    Guarded("sla_calendar_periods", "calendar_period", "name"),
    Guarded("sla_calendar_hours", "calendar_hours", "weekday"),
    Guarded("sla_calendar_closures", "calendar_closure", "name"),
    Guarded("slas", "sla", "name", times=("created_at",)),
    Guarded("sla_versions", "sla_version", "version", times=("created_at",), actors=("created_by_id",)),
    Guarded("sla_targets", "sla_target", "priority"),
    Guarded("incident_models", "incident_model", "name", ignored=("version",)),
    Guarded("incident_model_tasks", "incident_model_task", "title"),
    Guarded("major_incident_rules", "major_rule", "service_id", ignored=("updated_at",), times=("updated_at",)),
    Guarded("saved_views", None, ignored=("version",), times=("created_at", "updated_at"), fixed=("created_at",)),
)

LINKS: tuple[Link, ...] = (
    Link("staff_roles", "staff", "staff_id", "role", "role"),
    Link("team_members", "staff", "staff_id", "team_id", "team_id"),
    Link("major_team_members", "incident", "incident_id", "major_team", "staff_id",
         times=("added_at",), actors=("added_by_id",), fixed=("added_at",)),
)

# What each role may write, on top of what the roles below it may (the groups are
# nested: admin ⊃ supervisor ⊃ technician ⊃ counter). Every group reads every table.
WRITES: dict[Role, dict[str, str]] = {
    Role.COUNTER: {
        "incidents": "INSERT, UPDATE", "journal_entries": "INSERT", "tasks": "INSERT, UPDATE",
        "attachments": "INSERT", "devices": "INSERT, UPDATE", "repairs": "INSERT, UPDATE",
        "repair_accessories": "INSERT, UPDATE", "signatures": "INSERT", "loaners": "INSERT, UPDATE",
        "loans": "INSERT, UPDATE",
        "people": "INSERT",  # a new caller at the desk; changing a person is the directory import's
        "saved_views": "INSERT, UPDATE, DELETE",  # own rows only (row-level security)
    },
    Role.TECHNICIAN: {
        "problems": "INSERT, UPDATE", "major_team_members": "INSERT, UPDATE, DELETE",
    },
    Role.SUPERVISOR: {
        "vip_grants": "INSERT, UPDATE", "vip_policies": "INSERT",
        "sla_calendars": "INSERT", "sla_calendar_versions": "INSERT", "sla_calendar_periods": "INSERT",
        "sla_calendar_hours": "INSERT", "sla_calendar_closures": "INSERT", "slas": "INSERT",
        "sla_versions": "INSERT", "sla_targets": "INSERT",
        "incident_models": "INSERT, UPDATE", "incident_model_tasks": "INSERT, UPDATE, DELETE",
        "major_incident_rules": "INSERT, UPDATE", "services": "UPDATE", "categories": "INSERT",
    },
    Role.ADMIN: {
        "staff_accounts": "INSERT, UPDATE", "staff_roles": "INSERT, DELETE", "teams": "INSERT, UPDATE",
        "team_members": "INSERT, DELETE", "departments": "INSERT, UPDATE", "people": "UPDATE",
        "person_statuses": "INSERT, UPDATE", "affiliations": "INSERT, UPDATE",
    },
}

# The role ladder, lowest first: each group is a member of the one below it.
LADDER: tuple[Role, ...] = (Role.COUNTER, Role.TECHNICIAN, Role.SUPERVISOR, Role.ADMIN)


def guarded(entity: str) -> Guarded | None:
    for g in GUARDED:
        if g.entity == entity:
            return g
    return None
