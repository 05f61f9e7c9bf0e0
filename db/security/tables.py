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
could switch any trigger off. When Desk itself runs as the owner (``desk db upgrade``,
``desk demo``, a single-admin install) it writes its audit rows as it does on SQLite; an
owner's session that is not Desk (psql) is audited by the triggers like a staff login's,
and the hash chain shows whether anything bypassed them.

Adding a table: a migration, then classify it here — ``GUARDED`` (audited and/or with
server-stamped instants and "by" columns), ``LINKS`` (membership rows) or ``READ_ONLY`` —
and give the roles that write it a line in ``WRITES``. A test fails for a table that is
in none of them (tests/db/security/test_server_security.py), and the role matrix test lists what
each role may do independently of this file.
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
    # Instants a staff login cannot choose: within CLOCK_TOLERANCE_S of the server's
    # clock, or the server's clock.
    times: tuple[str, ...] = ()
    # Columns naming a staff account: a staff login may set them only to its own account
    # (from NULL) or clear them ...
    actors: tuple[str, ...] = ()
    # ... except these, which say who created the row and never change after the insert.
    creators: tuple[str, ...] = ()
    # The row's own instant of an insert / an update, used as the audit entry's time (so
    # the entry and the row agree to the microsecond, as they do when Desk writes both).
    inserted_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class Link:
    """A membership row (a role of a staff account, a team member): audited on the
    owning record as '<field>' added / removed."""

    table: str
    entity: str
    id_column: str
    field: str
    value_column: str


# How far a workstation's clock may be from the server's before the server's clock is
# used instead: Desk stamps one instant per action and the SLA engine computes with it,
# so a well-kept (NTP) clock is kept as it is; a staff login cannot backdate by more.
CLOCK_TOLERANCE_S = 60

GUARDED: tuple[Guarded, ...] = (
    Guarded("incidents", entity="incident", created_from="number",
            on_insert=("status", "priority", "assignee_id", "parent_id", "problem_id"),
            # The stored SLA measurements and the priority's explanation are audited too:
            # the client writes them, so a forged value must at least be on record.
            ignored=("updated_at", "version", "search_vector"),
            times=("opened_at", "updated_at", "responded_at", "resolved_at", "closed_at"),
            actors=("created_by_id",), creators=("created_by_id",), inserted_at="opened_at", updated_at="updated_at"),
    Guarded("problems", entity="problem", created_from="number", on_insert=("status", "major_incident_id"),
            ignored=("updated_at", "version"), times=("opened_at", "updated_at", "resolved_at", "closed_at"),
            actors=("created_by_id",), creators=("created_by_id",), inserted_at="opened_at", updated_at="updated_at"),
    Guarded("journal_entries", entity="journal", created_from="kind", times=("at",), actors=("author_id",),
            creators=("author_id",), inserted_at="at"),
    Guarded("tasks", entity="task", created_from="title", ignored=("version",), times=("done_at",),
            actors=("done_by_id",)),
    Guarded("attachments", entity="attachment", created_from="filename", ignored=("data",), times=("added_at",),
            actors=("added_by_id",), creators=("added_by_id",), inserted_at="added_at"),
    Guarded("devices", entity="device", created_from="asset_tag", ignored=("updated_at", "version"),
            times=("created_at", "updated_at"), inserted_at="created_at", updated_at="updated_at"),
    Guarded("repairs", entity="repair", created_from="incident_id", ignored=("version",),
            times=("intake_at", "ready_at", "picked_up_at"), actors=("intake_by_id", "pickup_by_id"),
            creators=("intake_by_id",), inserted_at="intake_at"),
    Guarded("repair_accessories", entity="repair_accessory", created_from="name"),
    Guarded("signatures", entity="signature", created_from="purpose", ignored=("png",), times=("signed_at",),
            inserted_at="signed_at"),
    Guarded("loaners", entity="loaner", created_from="asset_tag", ignored=("version",),
            times=("added_at", "retired_at"), inserted_at="added_at"),
    Guarded("loans", entity="loan", created_from="loaner_id", times=("lent_at", "returned_at"),
            actors=("lent_by_id", "returned_to_id"), creators=("lent_by_id",), inserted_at="lent_at"),
    Guarded("people", entity="person", created_from="university_id", ignored=("updated_at", "version"),
            times=("created_at", "updated_at"), inserted_at="created_at", updated_at="updated_at"),
    Guarded("person_statuses", entity="person_status", created_from="kind"),
    Guarded("affiliations", entity="affiliation", created_from="department_id"),
    Guarded("departments", entity="department", created_from="name"),
    Guarded("staff_accounts", entity="staff", created_from="username", ignored=("version",),
            times=("created_at",), inserted_at="created_at"),
    Guarded("teams", entity="team", created_from="name"),
    Guarded("services", entity="service", created_from="name", on_insert=("sla_name", "default_team_id")),
    Guarded("categories", entity="category", created_from="name"),
    Guarded("vip_policies", entity="vip_policy", created_from="version", times=("published_at",),
            actors=("published_by_id",), creators=("published_by_id",), inserted_at="published_at"),
    Guarded("vip_grants", entity="vip_grant", created_from="person_id", times=("granted_at", "revoked_at"),
            actors=("granted_by_id", "revoked_by_id"), creators=("granted_by_id",), inserted_at="granted_at"),
    Guarded("sla_calendars", entity="calendar", created_from="name", times=("created_at",), inserted_at="created_at"),
    Guarded("sla_calendar_versions", entity="calendar_version", created_from="version", times=("created_at",),
            actors=("created_by_id",), creators=("created_by_id",), inserted_at="created_at"),
    Guarded("sla_calendar_periods", entity="calendar_period", created_from="name"),
    Guarded("sla_calendar_hours", entity="calendar_hours", created_from="weekday"),
    Guarded("sla_calendar_closures", entity="calendar_closure", created_from="name"),
    Guarded("slas", entity="sla", created_from="name", times=("created_at",), inserted_at="created_at"),
    Guarded("sla_versions", entity="sla_version", created_from="version", times=("created_at",),
            actors=("created_by_id",), creators=("created_by_id",), inserted_at="created_at"),
    Guarded("sla_targets", entity="sla_target", created_from="priority"),
    Guarded("incident_models", entity="incident_model", created_from="name", ignored=("version",)),
    Guarded("incident_model_tasks", entity="incident_model_task", created_from="title"),
    Guarded("major_incident_rules", entity="major_rule", created_from="service_id", ignored=("updated_at",),
            times=("updated_at",), updated_at="updated_at"),
    # The service's 'major_team' entry on the incident says who in which role; this one
    # (keyed by the member row) catches a member added, changed or removed outside Desk.
    Guarded("major_team_members", entity="major_team_member", created_from="staff_id", times=("added_at",),
            actors=("added_by_id",), creators=("added_by_id",), inserted_at="added_at"),
    Guarded("saved_views", ignored=("version",), times=("created_at", "updated_at")),
    Guarded("mail_settings", entity="mail_settings", ignored=("version", "updated_at"), times=("updated_at",),
            actors=("updated_by_id",), updated_at="updated_at"),
    Guarded("mail_templates", entity="mail_template", created_from="event", ignored=("version", "updated_at"),
            times=("updated_at",), actors=("updated_by_id",), updated_at="updated_at"),
    Guarded("mail_event_switches", entity="mail_switch", created_from="event"),
    # Delivery bookkeeping, not audited; desk_outbox_rules says what a staff login may write.
    Guarded("mail_outbox", times=("created_at",), actors=("created_by_id",), creators=("created_by_id",)),
    Guarded("canned_replies", entity="canned_reply", created_from="title", ignored=("version", "updated_at"),
            times=("created_at", "updated_at"), actors=("updated_by_id",), inserted_at="created_at",
            updated_at="updated_at"),
    Guarded("satisfaction_ratings", entity="satisfaction", created_from="score", times=("rated_at",),
            actors=("counter_staff_id",), creators=("counter_staff_id",), inserted_at="rated_at"),
    Guarded("knowledge_articles", entity="knowledge", created_from="title", ignored=("version", "updated_at"),
            times=("created_at", "updated_at"), actors=("created_by_id", "updated_by_id"),
            creators=("created_by_id",), inserted_at="created_at", updated_at="updated_at"),
    Guarded("knowledge_article_versions", times=("saved_at",), actors=("saved_by_id",), creators=("saved_by_id",),
            inserted_at="saved_at"),
    # SLA alerts and what they set off (desk.escalation): the rules are audited set-up; the
    # alerts and notifications are checked by desk_sla_alert_rules / desk_staff_notification_rules.
    Guarded("escalation_rules", entity="escalation_rule", created_from="priority", ignored=("updated_at",),
            times=("updated_at",), actors=("updated_by_id",), updated_at="updated_at"),
    Guarded("sla_alerts", times=("recorded_at",)),
    Guarded("staff_notifications", times=("created_at", "shown_at", "read_at")),
    # Which workstation runs the alert job (bookkeeping; PostgreSQL's advisory lock decides).
    Guarded("job_leases"),
    # What was fetched from the mailbox and what came of it (the raw message kept).
    Guarded("mail_inbox", times=("received_at",), actors=("fetched_by_id",), creators=("fetched_by_id",),
            inserted_at="received_at"),
)

LINKS: tuple[Link, ...] = (
    Link("staff_roles", entity="staff", id_column="staff_id", field="role", value_column="role"),
    Link("team_members", entity="staff", id_column="staff_id", field="team_id", value_column="team_id"),
    Link("service_categories", entity="service", id_column="service_id", field="category",
         value_column="category_id"),
)

# Tables no staff login writes at all (read-only to every group): the rules, the
# counters, the audit log itself, the group names and Alembic's bookkeeping.
READ_ONLY = ("rule_priorities", "rule_urgency_ranks", "rule_transitions", "rule_actions", "rule_audit_fields",
             "security_groups", "number_sequences", "audit_log", "alembic_version")

# What each role may write, on top of what the roles below it may (the groups are
# nested: admin ⊃ supervisor ⊃ technician ⊃ counter). Every group reads every table.
WRITES: dict[Role, dict[str, str]] = {
    Role.COUNTER: {
        "incidents": "INSERT, UPDATE", "journal_entries": "INSERT", "tasks": "INSERT, UPDATE",
        "attachments": "INSERT", "devices": "INSERT, UPDATE", "repairs": "INSERT, UPDATE",
        "repair_accessories": "INSERT, UPDATE", "signatures": "INSERT", "loaners": "INSERT, UPDATE",
        # New people at the counter; changing a person's record is the directory import's.
        "loans": "INSERT, UPDATE", "people": "INSERT",
        # A category typed on a ticket is created on the spot (lookups.category_id).
        "categories": "INSERT",
        "saved_views": "INSERT, UPDATE, DELETE",  # own rows only (row-level security)
        # Every role's actions queue customers' mail, and any workstation delivers it
        # (desk_outbox_rules: to the ticket's own people, content fixed once queued).
        "mail_outbox": "INSERT, UPDATE",
        # Own replies, or one's teams' (desk_canned_reply_rules).
        "canned_replies": "INSERT, UPDATE, DELETE",
        # The customer's rating right after the pickup, once (desk_satisfaction_rules).
        "satisfaction_ratings": "INSERT",
        # Everyone marks their own notifications shown and read (desk_staff_notification_rules).
        "staff_notifications": "UPDATE",
    },
    Role.TECHNICIAN: {
        "problems": "INSERT, UPDATE", "major_team_members": "INSERT, UPDATE, DELETE",
        # The knowledge base, each save a version kept (the history is only added to).
        "knowledge_articles": "INSERT, UPDATE", "knowledge_article_versions": "INSERT",
        # Any technician's workstation may hold the SLA alert job and record what it finds.
        "sla_alerts": "INSERT, UPDATE", "staff_notifications": "INSERT", "job_leases": "INSERT, UPDATE",
    },
    Role.SUPERVISOR: {
        "vip_grants": "INSERT, UPDATE", "vip_policies": "INSERT",
        "sla_calendars": "INSERT", "sla_calendar_versions": "INSERT", "sla_calendar_periods": "INSERT",
        "sla_calendar_hours": "INSERT", "sla_calendar_closures": "INSERT", "slas": "INSERT",
        "sla_versions": "INSERT", "sla_targets": "INSERT",
        "incident_models": "INSERT, UPDATE", "incident_model_tasks": "INSERT, UPDATE, DELETE",
        "major_incident_rules": "INSERT, UPDATE",
        # The service catalogue (desk.sla.service_setup): added and changed, retired, never deleted.
        "services": "INSERT, UPDATE", "service_categories": "INSERT, DELETE",
        "mail_settings": "INSERT, UPDATE", "mail_templates": "INSERT, UPDATE, DELETE",
        "mail_event_switches": "INSERT, UPDATE", "mail_inbox": "INSERT",
        "escalation_rules": "INSERT, UPDATE, DELETE",
    },
    Role.ADMIN: {
        "staff_accounts": "INSERT, UPDATE", "staff_roles": "INSERT, DELETE", "teams": "INSERT, UPDATE",
        "people": "UPDATE",
        "team_members": "INSERT, DELETE", "departments": "INSERT, UPDATE",
        "person_statuses": "INSERT, UPDATE", "affiliations": "INSERT, UPDATE",
    },
}

# The role ladder, lowest first: each group is a member of the one below it.
LADDER: tuple[Role, ...] = (Role.COUNTER, Role.TECHNICIAN, Role.SUPERVISOR, Role.ADMIN)
