"""The PostgreSQL functions behind the server's rules (see ``db.security.tables`` for
which table uses which, and why). Every function pins ``search_path`` so a login
cannot slip its own objects under a SECURITY DEFINER function: nobody but the owner
creates in ``public``, and ``pg_temp`` is named last. Left out of the path, the
session's temporary schema would be searched *first* for tables and types (even before
``pg_catalog``): any login may create temporary tables, so ``CREATE TEMP TABLE
pg_roles(rolname name, rolsuper boolean)`` would make ``desk_trusted()`` true and
switch every rule and audit trigger off, and a temporary ``audit_log`` would swallow
the audit rows."""
from __future__ import annotations

from db.security.tables import CLOCK_TOLERANCE_S

_PATH = "SET search_path = pg_catalog, public, pg_temp"
# "Written by this transaction": a row's xmin is the writing transaction's id (Desk's
# intake and pickup run in one transaction without savepoints).
_THIS_TX = "xmin = pg_current_xact_id()::xid"
_TOL = f"interval '{CLOCK_TOLERANCE_S} seconds'"

FUNCTIONS: list[str] = [
    # Trusted: the schema owner or a superuser (outside the boundary, see tables.py).
    f"""CREATE OR REPLACE FUNCTION desk_trusted() RETURNS boolean LANGUAGE sql STABLE {_PATH} AS $$
        SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
            OR pg_has_role(session_user, (SELECT relowner FROM pg_class
                                           WHERE oid = 'public.audit_log'::regclass), 'MEMBER') $$""",
    # Desk's own connections say so when they open (db.engine); it matters only for the
    # owner's sessions, whose audit rows Desk writes itself (a staff login cannot opt out).
    f"""CREATE OR REPLACE FUNCTION desk_app_session() RETURNS boolean LANGUAGE sql STABLE {_PATH} AS $$
        SELECT coalesce(current_setting('desk.app', true), '') = 'on' $$""",
    f"""CREATE OR REPLACE FUNCTION desk_server_audits() RETURNS boolean LANGUAGE sql STABLE {_PATH} AS $$
        SELECT NOT (desk_trusted() AND desk_app_session()) $$""",
    # A client's instant, kept when it is within the tolerance of the server's clock.
    f"""CREATE OR REPLACE FUNCTION desk_instant(p_at timestamptz) RETURNS timestamptz LANGUAGE sql STABLE
        {_PATH} AS $$
        SELECT CASE WHEN p_at BETWEEN now() - {_TOL} AND now() + {_TOL} THEN p_at ELSE now() END $$""",
    # The staff account the server trusts: the one mapped to session_user, never a client's id.
    f"""CREATE OR REPLACE FUNCTION desk_staff_id() RETURNS integer LANGUAGE sql STABLE
        SECURITY DEFINER {_PATH} AS $$
        SELECT id FROM staff_accounts WHERE db_login = session_user AND active $$""",
    f"""CREATE OR REPLACE FUNCTION desk_may(p_action text) RETURNS boolean LANGUAGE sql STABLE
        SECURITY DEFINER {_PATH} AS $$
        SELECT desk_trusted() OR EXISTS (
            SELECT 1 FROM rule_actions a JOIN security_groups g ON g.role = a.role
             WHERE a.action = p_action AND pg_has_role(session_user, g.rolname, 'MEMBER')) $$""",
    f"""CREATE OR REPLACE FUNCTION desk_refuse(p_message text) RETURNS void LANGUAGE plpgsql {_PATH} AS $$
        BEGIN RAISE EXCEPTION USING MESSAGE = p_message, ERRCODE = '42501'; END $$""",
    f"""CREATE OR REPLACE FUNCTION desk_require(p_action text, p_what text) RETURNS void
        LANGUAGE plpgsql STABLE {_PATH} AS $$
        BEGIN
            IF NOT desk_may(p_action) THEN
                PERFORM desk_refuse(format('%s may not %s: that needs the %s role', session_user, p_what,
                                           (SELECT role FROM rule_actions WHERE action = p_action)));
            END IF;
        END $$""",
    # Numbers: the only way to move a counter. Returns the value; Desk formats it.
    f"""CREATE OR REPLACE FUNCTION desk_next_number(p_prefix text) RETURNS bigint LANGUAGE plpgsql
        SECURITY DEFINER {_PATH} AS $$
        DECLARE v bigint;
        BEGIN
            -- A staff login draws only from the series of a record its role may open.
            IF NOT desk_trusted() THEN
                CASE p_prefix
                    WHEN 'INC' THEN PERFORM desk_require('incident.open', 'draw incident numbers');
                    WHEN 'PRB' THEN PERFORM desk_require('problem.open', 'draw problem numbers');
                    ELSE PERFORM desk_refuse(format('there is no number series %L', p_prefix));
                END CASE;
            END IF;
            UPDATE number_sequences SET last_value = last_value + 1 WHERE name = p_prefix
                RETURNING last_value INTO v;
            IF v IS NULL THEN
                PERFORM desk_refuse(format('there is no number series %L', p_prefix));
            END IF;
            RETURN v;
        END $$""",
    f"""CREATE OR REPLACE FUNCTION desk_check_number(p_number text, p_prefix text) RETURNS void
        LANGUAGE plpgsql STABLE {_PATH} AS $$
        DECLARE v bigint;
        BEGIN
            v := substring(p_number FROM '^' || p_prefix || '-([0-9]{{1,18}})$')::bigint;
            IF v IS NULL OR v < 1 OR v > (SELECT last_value FROM number_sequences WHERE name = p_prefix) THEN
                PERFORM desk_refuse(format('%s is not a number drawn from desk_next_number(%L)',
                                           coalesce(p_number, 'NULL'), p_prefix));
            END IF;
        END $$""",
    # An audit event the services write (a 'created', an intake, a page …): attributed to
    # session_user's account and stamped with the server's clock for staff logins, who
    # may not write what the triggers write (the column changes the SLA engine replays)
    # nor an event that needs a role they lack (rule_audit_fields).
    f"""CREATE OR REPLACE FUNCTION desk_audit(p_at timestamptz, p_actor integer, p_entity text,
            p_entity_id bigint, p_field text, p_old text, p_new text, p_reason text)
        RETURNS void LANGUAGE plpgsql SECURITY DEFINER {_PATH} AS $$
        DECLARE trusted boolean := desk_trusted(); me integer := desk_staff_id(); rule record;
        BEGIN
            IF NOT trusted THEN
                IF me IS NULL THEN
                    PERFORM desk_refuse(format('the database login %s has no active Desk staff account', session_user));
                END IF;
                SELECT action INTO rule FROM rule_audit_fields
                 WHERE entity = p_entity AND p_field LIKE field ORDER BY action NULLS FIRST LIMIT 1;
                IF FOUND AND rule.action IS NULL THEN
                    PERFORM desk_refuse(format('%s %s is recorded by the server when the row changes, '
                                               'not through desk_audit()', p_entity, p_field));
                ELSIF FOUND THEN
                    PERFORM desk_require(rule.action, format('record %s %s', p_entity, p_field));
                END IF;
            END IF;
            INSERT INTO audit_log(at, actor_id, db_user, entity, entity_id, field, old_value, new_value, reason)
            VALUES (CASE WHEN trusted THEN coalesce(p_at, now()) ELSE desk_instant(p_at) END,
                    CASE WHEN trusted THEN coalesce(p_actor, me) ELSE me END,
                    session_user, p_entity, p_entity_id, p_field, p_old, p_new, p_reason);
        END $$""",
    # Audit rows for a change made outside Desk's own audit: every staff login's, and the
    # owner's when it is not Desk (psql). TG_ARGV: entity, ignored columns, 'created'
    # column, columns recorded on insert, the row's instant of an insert / an update.
    f"""CREATE OR REPLACE FUNCTION desk_audit_row() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER {_PATH} SET TimeZone = 'UTC' AS $$
        DECLARE
            ent text := TG_ARGV[0];
            ignored text[] := string_to_array(TG_ARGV[1], ',');
            created_col text := nullif(TG_ARGV[2], '');
            insert_cols text[] := string_to_array(TG_ARGV[3], ',');
            at_insert text := nullif(TG_ARGV[4], '');
            at_update text := nullif(TG_ARGV[5], '');
            -- A staff login's instants were checked against the server's clock by the guard.
            use_row boolean := NOT desk_trusted();
            o jsonb; n jsonb; k text; rid bigint; me integer; at timestamptz := now();
        BEGIN
            IF NOT desk_server_audits() THEN RETURN NULL; END IF;
            me := desk_staff_id();
            IF TG_OP = 'DELETE' THEN
                o := to_jsonb(OLD); rid := (o->>'id')::bigint;
                INSERT INTO audit_log(at, actor_id, db_user, entity, entity_id, field, old_value, new_value)
                VALUES (now(), me, session_user, ent, rid, 'deleted', o->>coalesce(created_col, 'id'), NULL);
                RETURN NULL;
            END IF;
            n := to_jsonb(NEW); rid := (n->>'id')::bigint;
            IF TG_OP = 'INSERT' THEN
                IF use_row AND at_insert IS NOT NULL AND n->>at_insert IS NOT NULL THEN
                    at := (n->>at_insert)::timestamptz;
                END IF;
                IF created_col IS NOT NULL THEN
                    INSERT INTO audit_log(at, actor_id, db_user, entity, entity_id, field, old_value, new_value)
                    VALUES (at, me, session_user, ent, rid, 'created', NULL, n->>created_col);
                END IF;
                FOREACH k IN ARRAY insert_cols LOOP
                    IF n->>k IS NOT NULL THEN
                        INSERT INTO audit_log(at, actor_id, db_user, entity, entity_id, field, old_value, new_value)
                        VALUES (at, me, session_user, ent, rid, k, NULL, n->>k);
                    END IF;
                END LOOP;
                RETURN NULL;
            END IF;
            o := to_jsonb(OLD);
            IF use_row AND at_update IS NOT NULL AND n->>at_update IS NOT NULL
               AND (o->at_update) IS DISTINCT FROM (n->at_update) THEN
                at := (n->>at_update)::timestamptz;
            END IF;
            FOR k IN SELECT key FROM jsonb_each(n) LOOP
                CONTINUE WHEN k = ANY(ignored) OR (o->k) IS NOT DISTINCT FROM (n->k);
                INSERT INTO audit_log(at, actor_id, db_user, entity, entity_id, field, old_value, new_value, reason)
                VALUES (at, me, session_user, ent, rid, k, o->>k, n->>k,
                        nullif(current_setting('desk.r_' || ent || '_' || rid || '_' || k, true), ''));
            END LOOP;
            RETURN NULL;
        END $$""",
    # Membership rows: TG_ARGV: entity, id column, field, value column.
    f"""CREATE OR REPLACE FUNCTION desk_audit_link() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER {_PATH} AS $$
        DECLARE r jsonb;
        BEGIN
            IF NOT desk_server_audits() THEN RETURN NULL; END IF;
            r := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
            INSERT INTO audit_log(at, actor_id, db_user, entity, entity_id, field, old_value, new_value)
            VALUES (now(), desk_staff_id(), session_user, TG_ARGV[0], (r->>TG_ARGV[1])::bigint, TG_ARGV[2],
                    CASE WHEN TG_OP = 'DELETE' THEN r->>TG_ARGV[3] END,
                    CASE WHEN TG_OP = 'INSERT' THEN r->>TG_ARGV[3] END);
            RETURN NULL;
        END $$""",
    # Server time and own identity for a staff login's writes. TG_ARGV: instants, actor
    # columns, creator columns and the creation instant (neither changes after the insert:
    # re-stamping opened_at would restart a ticket's SLA clock).
    f"""CREATE OR REPLACE FUNCTION desk_guard_row() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER {_PATH} AS $$
        DECLARE
            times text[] := string_to_array(TG_ARGV[0], ',');
            actors text[] := string_to_array(TG_ARGV[1], ',');
            creators text[] := string_to_array(TG_ARGV[2], ',');
            created_at text := nullif(TG_ARGV[3], '');
            o jsonb; n jsonb; k text; patch jsonb := '{{}}'::jsonb; me integer; v timestamptz;
        BEGIN
            IF desk_trusted() THEN RETURN NEW; END IF;
            me := desk_staff_id();
            IF me IS NULL THEN
                PERFORM desk_refuse(format('the database login %s has no active Desk staff account', session_user));
            END IF;
            n := to_jsonb(NEW);
            o := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) ELSE '{{}}'::jsonb END;
            IF TG_OP = 'UPDATE' AND created_at IS NOT NULL AND (o->created_at) IS DISTINCT FROM (n->created_at) THEN
                PERFORM desk_refuse(format('%s.%s is the instant the row was created: it cannot change',
                                           TG_TABLE_NAME, created_at));
            END IF;
            FOREACH k IN ARRAY times LOOP
                IF n->>k IS NOT NULL AND (TG_OP = 'INSERT' OR (o->k) IS DISTINCT FROM (n->k)) THEN
                    v := desk_instant((n->>k)::timestamptz);
                    IF v IS DISTINCT FROM (n->>k)::timestamptz THEN
                        patch := patch || jsonb_build_object(k, v);
                    END IF;
                END IF;
            END LOOP;
            FOREACH k IN ARRAY actors LOOP
                CONTINUE WHEN TG_OP = 'UPDATE' AND (o->k) IS NOT DISTINCT FROM (n->k);
                IF TG_OP = 'UPDATE' AND k = ANY(creators) THEN
                    PERFORM desk_refuse(format('%s.%s says who created the row and never changes', TG_TABLE_NAME, k));
                ELSIF n->>k IS NOT NULL AND ((n->>k)::integer IS DISTINCT FROM me
                                             OR (TG_OP = 'UPDATE' AND o->>k IS NOT NULL)) THEN
                    PERFORM desk_refuse(format('%s.%s must name your own staff account (%s), not %s',
                                               TG_TABLE_NAME, k, me, n->>k));
                END IF;
            END LOOP;
            IF patch <> '{{}}'::jsonb THEN
                NEW := jsonb_populate_record(NEW, patch);
            END IF;
            RETURN NEW;
        END $$""",
    # The derived priority: the matrix, with the VIP policy in force raising the urgency of
    # a caller on the VIP list (and only theirs), as desk.rules.priority does.
    f"""CREATE OR REPLACE FUNCTION desk_check_priority(p_impact text, p_urgency text, p_priority text,
            p_vip_policy integer, p_caller integer) RETURNS void LANGUAGE plpgsql STABLE {_PATH} AS $$
        DECLARE eff text := p_urgency; cur record; is_vip boolean; expected text;
        BEGIN
            -- The VIP list as it stands in this transaction (a grant or revoke just made counts).
            is_vip := p_caller IS NOT NULL AND EXISTS (
                SELECT 1 FROM vip_grants WHERE person_id = p_caller AND revoked_at IS NULL);
            SELECT id, version, urgency_levels_raised AS levels INTO cur FROM vip_policies
             WHERE published_at <= now() + {_TOL} ORDER BY version DESC LIMIT 1;
            IF is_vip AND cur.id IS NOT NULL THEN
                SELECT u.urgency INTO eff FROM rule_urgency_ranks u
                 WHERE u.rank = least((SELECT rank FROM rule_urgency_ranks WHERE urgency = p_urgency)
                                      + greatest(coalesce(cur.levels, 0), 0),
                                      (SELECT max(rank) FROM rule_urgency_ranks));
            END IF;
            IF p_vip_policy IS NOT NULL AND NOT is_vip THEN
                PERFORM desk_refuse('the VIP policy applies only to a caller on the published VIP list');
            END IF;
            IF eff IS DISTINCT FROM p_urgency AND p_vip_policy IS DISTINCT FROM cur.id THEN
                PERFORM desk_refuse(format('the caller is on the VIP list: the ticket names VIP policy v%s, '
                                           'which raises its urgency to %s', cur.version, eff));
            END IF;
            SELECT priority INTO expected FROM rule_priorities WHERE impact = p_impact AND urgency = eff;
            IF p_priority IS DISTINCT FROM expected THEN
                PERFORM desk_refuse(format('priority %s does not follow from %s impact × %s urgency: '
                                           'the priority matrix gives %s', p_priority, p_impact, eff, expected));
            END IF;
        END $$""",
    f"""CREATE OR REPLACE FUNCTION desk_check_transition(p_record text, p_from text, p_to text) RETURNS void
        LANGUAGE plpgsql STABLE {_PATH} AS $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM rule_transitions
                            WHERE record = p_record AND from_status = coalesce(p_from, '') AND to_status = p_to) THEN
                PERFORM desk_refuse(CASE WHEN p_from IS NULL
                    THEN format('a new %s cannot start as %s', p_record, p_to)
                    ELSE format('the %s lifecycle has no move from %s to %s', p_record, p_from, p_to) END);
            END IF;
        END $$""",
    f"""CREATE OR REPLACE FUNCTION desk_incident_rules() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER {_PATH} AS $$
        DECLARE me integer;
        BEGIN
            IF desk_trusted() THEN RETURN NEW; END IF;
            me := desk_staff_id();
            -- A deactivated account keeps the work it had, and is given none (lookups.staff_id).
            IF NEW.assignee_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.assignee_id IS DISTINCT FROM OLD.assignee_id)
               AND NOT EXISTS (SELECT 1 FROM staff_accounts WHERE id = NEW.assignee_id AND active) THEN
                PERFORM desk_refuse('a deactivated staff account cannot be assigned');
            END IF;
            IF TG_OP = 'INSERT' THEN
                PERFORM desk_require('incident.open', 'open incidents');
                PERFORM desk_check_number(NEW.number, 'INC');
                PERFORM desk_check_transition('incident', NULL, NEW.status);
                IF NEW.is_major THEN PERFORM desk_require('incident.promote_major', 'open a major incident'); END IF;
                IF NEW.problem_id IS NOT NULL THEN PERFORM desk_require('incident.link_problem', 'link problems'); END IF;
                IF NEW.parent_id IS NOT NULL THEN PERFORM desk_require('major.manage', 'link to a major incident'); END IF;
                IF NEW.assignee_id IS DISTINCT FROM me AND NEW.assignee_id IS NOT NULL THEN
                    PERFORM desk_require('incident.assign', 'assign incidents to others');
                END IF;
            ELSE
                IF NEW.number IS DISTINCT FROM OLD.number THEN PERFORM desk_refuse('an incident keeps its number'); END IF;
                -- What Desk's edit, assign and resolve refuse on a closed or cancelled ticket.
                -- (Linking it to a problem, and the SLA columns, stay open.)
                IF OLD.status IN ('closed', 'cancelled')
                   AND (NEW.title, NEW.description, NEW.caller_id, NEW.acting_status, NEW.acting_department_id,
                        NEW.service_id, NEW.category_id, NEW.impact, NEW.urgency, NEW.priority, NEW.vip_policy_id,
                        NEW.team_id, NEW.assignee_id, NEW.channel, NEW.resolution_code, NEW.resolution_note,
                        NEW.cancel_reason, NEW.created_by_id, NEW.resolved_at, NEW.closed_at)
                       IS DISTINCT FROM
                       (OLD.title, OLD.description, OLD.caller_id, OLD.acting_status, OLD.acting_department_id,
                        OLD.service_id, OLD.category_id, OLD.impact, OLD.urgency, OLD.priority, OLD.vip_policy_id,
                        OLD.team_id, OLD.assignee_id, OLD.channel, OLD.resolution_code, OLD.resolution_note,
                        OLD.cancel_reason, OLD.created_by_id, OLD.resolved_at, OLD.closed_at) THEN
                    PERFORM desk_refuse(format('%s is %s and can no longer be edited', OLD.number, OLD.status));
                END IF;
                IF NEW.status IS DISTINCT FROM OLD.status THEN
                    PERFORM desk_check_transition('incident', OLD.status, NEW.status);
                    -- Counter staff resolve and close only the walk-in repair they hand back:
                    -- its pickup is recorded in this same transaction, by them.
                    IF NEW.status IN ('resolved', 'closed')
                       AND NOT desk_may('incident.resolve')
                       AND NOT (desk_may('repair.pickup') AND EXISTS (
                               SELECT 1 FROM repairs WHERE incident_id = NEW.id AND picked_up_at IS NOT NULL
                                  AND pickup_by_id = me AND {_THIS_TX})) THEN
                        PERFORM desk_require('incident.resolve', 'resolve or close this incident');
                    END IF;
                END IF;
                IF NEW.assignee_id IS DISTINCT FROM OLD.assignee_id AND NEW.assignee_id IS DISTINCT FROM me THEN
                    PERFORM desk_require('incident.assign', 'assign incidents to others');
                END IF;
                IF NEW.is_major IS DISTINCT FROM OLD.is_major THEN
                    PERFORM desk_require('incident.promote_major', 'start a major incident');
                END IF;
                IF NEW.problem_id IS DISTINCT FROM OLD.problem_id THEN
                    PERFORM desk_require('incident.link_problem', 'link problems');
                END IF;
                IF (NEW.parent_id, NEW.next_update_due_at) IS DISTINCT FROM (OLD.parent_id, OLD.next_update_due_at) THEN
                    PERFORM desk_require('major.manage', 'work on a major incident');
                END IF;
                IF NEW.major_manager_id IS DISTINCT FROM OLD.major_manager_id THEN
                    PERFORM desk_require('incident.promote_major', 'name a major incident''s manager');
                END IF;
                -- A breach is recorded with its time and stays recorded (the SLA jobs,
                -- which recompute from history, are the exception).
                IF ((OLD.response_breached_at IS NOT NULL
                     AND NEW.response_breached_at IS DISTINCT FROM OLD.response_breached_at)
                    OR (OLD.resolution_breached_at IS NOT NULL
                        AND NEW.resolution_breached_at IS DISTINCT FROM OLD.resolution_breached_at))
                   AND NOT desk_may('sla.jobs') THEN
                    PERFORM desk_refuse('a recorded SLA breach stays recorded');
                END IF;
            END IF;
            IF TG_OP = 'INSERT' OR (NEW.impact, NEW.urgency, NEW.priority, NEW.vip_policy_id, NEW.caller_id)
                   IS DISTINCT FROM (OLD.impact, OLD.urgency, OLD.priority, OLD.vip_policy_id, OLD.caller_id) THEN
                PERFORM desk_check_priority(NEW.impact, NEW.urgency, NEW.priority, NEW.vip_policy_id, NEW.caller_id);
            END IF;
            RETURN NEW;
        END $$""",
    f"""CREATE OR REPLACE FUNCTION desk_problem_rules() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER {_PATH} AS $$
        BEGIN
            IF desk_trusted() THEN RETURN NEW; END IF;
            IF TG_OP = 'INSERT' THEN
                PERFORM desk_check_number(NEW.number, 'PRB');
                PERFORM desk_check_transition('problem', NULL, NEW.status);
            ELSE
                IF NEW.number IS DISTINCT FROM OLD.number THEN PERFORM desk_refuse('a problem keeps its number'); END IF;
                IF NEW.status IS DISTINCT FROM OLD.status THEN
                    PERFORM desk_check_transition('problem', OLD.status, NEW.status);
                END IF;
            END IF;
            RETURN NEW;
        END $$""",
    # A repair is taken in with its own new incident (desk intake), and stays with it: a
    # repair attached to any other ticket would let counter staff close that ticket.
    f"""CREATE OR REPLACE FUNCTION desk_repair_rules() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER {_PATH} AS $$
        BEGIN
            IF desk_trusted() THEN RETURN NEW; END IF;
            IF TG_OP = 'UPDATE' THEN
                IF NEW.incident_id IS DISTINCT FROM OLD.incident_id THEN
                    PERFORM desk_refuse('a repair stays with the incident it was taken in with');
                END IF;
            ELSIF NOT EXISTS (SELECT 1 FROM incidents WHERE id = NEW.incident_id AND {_THIS_TX}
                                 AND created_by_id IS NOT DISTINCT FROM desk_staff_id()) THEN
                PERFORM desk_refuse(format('a repair is taken in with a new incident opened in the same '
                                           'transaction (desk intake), not attached to incident %s',
                                           NEW.incident_id));
            END IF;
            RETURN NEW;
        END $$""",
    # Journal entries name their author (the guard makes it the login's own account; here
    # it may not be left out), and the major-incident communication log is major.manage work.
    f"""CREATE OR REPLACE FUNCTION desk_journal_rules() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER {_PATH} AS $$
        BEGIN
            IF desk_trusted() THEN RETURN NEW; END IF;
            IF NEW.author_id IS NULL THEN
                PERFORM desk_refuse('journal_entries.author_id must name your own staff account');
            END IF;
            IF NEW.kind = 'comms' THEN
                PERFORM desk_require('major.manage', 'post major-incident communications');
            END IF;
            RETURN NEW;
        END $$""",
    # The outbox: Desk writes a customer's message for a ticket's own people (its caller, or
    # for a major incident the callers of its children), queued and untouched; senders move
    # only the delivery columns, and a sent message stays sent. A login in psql can neither
    # mail anyone it likes from the desk's address nor rewrite what was queued.
    f"""CREATE OR REPLACE FUNCTION desk_outbox_rules() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER {_PATH} AS $$
        BEGIN
            IF desk_trusted() THEN RETURN NEW; END IF;
            IF TG_OP = 'INSERT' THEN
                IF NEW.status <> 'queued' OR NEW.attempts <> 0 OR NEW.sent_at IS NOT NULL
                   OR NEW.claimed_by IS NOT NULL THEN
                    PERFORM desk_refuse('a message enters the outbox queued: not sent, not claimed, no attempts');
                END IF;
                IF NEW.incident_id IS NULL OR NOT (EXISTS (
                        SELECT 1 FROM incidents i JOIN people p ON p.id = i.caller_id
                        WHERE (i.id = NEW.incident_id OR i.parent_id = NEW.incident_id)
                          AND lower(p.email) = lower(NEW.recipient))
                        -- A loan reminder goes to whoever holds the loaner lent with the
                        -- ticket's repair, who need not be its caller (the caller corrected).
                        OR (NEW.event = 'loaner_overdue' AND EXISTS (
                            SELECT 1 FROM loans l JOIN repairs r ON r.id = l.repair_id
                            JOIN people p ON p.id = l.person_id
                            WHERE r.incident_id = NEW.incident_id AND l.returned_at IS NULL
                              AND lower(p.email) = lower(NEW.recipient)))
                        -- An SLA alert by e-mail goes to a staff member just notified of it,
                        -- while the alert is being recorded (before its actions are written:
                        -- afterwards nobody adds a message of their own words to it), under
                        -- the key of that notification.
                        OR (NEW.event = 'sla_alert' AND EXISTS (
                            SELECT 1 FROM staff_notifications n JOIN staff_accounts a ON a.id = n.staff_id
                            JOIN sla_alerts al ON al.id = n.alert_id
                            WHERE n.incident_id = NEW.incident_id AND lower(a.email) = lower(NEW.recipient)
                              AND al.actions = '' AND n.created_at > now() - interval '10 minutes'
                              AND NEW.dedupe_key = 'sla_alert:' || NEW.incident_id || ':' || n.alert_id
                                                   || ':' || n.staff_id))) THEN
                    PERFORM desk_refuse(format('Desk mails a ticket''s caller (for a major incident, the callers '
                                               'of its children; for a loan, its holder), not %s', NEW.recipient));
                END IF;
                IF NEW.dedupe_key NOT LIKE NEW.event || ':' || NEW.incident_id || ':%' THEN
                    PERFORM desk_refuse('an outbox key names its event and ticket (event:ticket-id:…)');
                END IF;
            ELSE
                IF (NEW.event, NEW.incident_id, NEW.dedupe_key, NEW.recipient, NEW.recipient_name, NEW.subject,
                    NEW.body_text, NEW.body_html, NEW.message_id, NEW.thread_refs, NEW.created_at,
                    NEW.created_by_id)
                   IS DISTINCT FROM
                   (OLD.event, OLD.incident_id, OLD.dedupe_key, OLD.recipient, OLD.recipient_name, OLD.subject,
                    OLD.body_text, OLD.body_html, OLD.message_id, OLD.thread_refs, OLD.created_at,
                    OLD.created_by_id) THEN
                    PERFORM desk_refuse('a queued message goes out as it was written: only its delivery changes');
                END IF;
                IF OLD.status = 'sent' AND NEW.status <> 'sent' THEN
                    PERFORM desk_refuse('a sent message stays sent (it would go out twice)');
                END IF;
            END IF;
            RETURN NEW;
        END $$""",
    # Canned replies: a personal one is its owner's alone; a team's, its members'.
    f"""CREATE OR REPLACE FUNCTION desk_canned_reply_rules() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER {_PATH} AS $$
        DECLARE r record;
        BEGIN
            IF desk_trusted() THEN RETURN COALESCE(NEW, OLD); END IF;
            FOR r IN SELECT * FROM (SELECT OLD.owner_id AS o, OLD.team_id AS t WHERE TG_OP <> 'INSERT'
                                    UNION ALL SELECT NEW.owner_id, NEW.team_id WHERE TG_OP <> 'DELETE') x LOOP
                IF r.o IS NOT NULL AND r.o IS DISTINCT FROM desk_staff_id() THEN
                    PERFORM desk_refuse('a personal canned reply is its owner''s alone');
                END IF;
                IF r.t IS NOT NULL AND NOT EXISTS (SELECT 1 FROM team_members
                                                   WHERE team_id = r.t AND staff_id = desk_staff_id()) THEN
                    PERFORM desk_refuse('only a team''s members keep its canned replies');
                END IF;
            END LOOP;
            RETURN COALESCE(NEW, OLD);
        END $$""",
    # Walk-up satisfaction: taken right after the pickup, by the member who handed back,
    # against the ticket's technician; never changed (no UPDATE or DELETE is granted).
    f"""CREATE OR REPLACE FUNCTION desk_satisfaction_rules() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER {_PATH} AS $$
        BEGIN
            IF desk_trusted() THEN RETURN NEW; END IF;
            IF NOT EXISTS (SELECT 1 FROM repairs r JOIN incidents i ON i.id = r.incident_id
                           WHERE r.incident_id = NEW.incident_id AND r.pickup_by_id = desk_staff_id()
                             AND r.picked_up_at > now() - interval '15 minutes'
                             AND i.assignee_id IS NOT DISTINCT FROM NEW.technician_id) THEN
                PERFORM desk_refuse('a rating is taken at the pickup just done, by who handed it back, '
                                    'against the ticket''s technician');
            END IF;
            RETURN NEW;
        END $$""",
    # A staff account's database login must be a real login on this server.
    f"""CREATE OR REPLACE FUNCTION desk_staff_login_check() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER {_PATH} AS $$
        BEGIN
            IF NEW.db_login IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.db_login IS DISTINCT FROM OLD.db_login)
               AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = NEW.db_login AND rolcanlogin) THEN
                RAISE EXCEPTION USING ERRCODE = '22023',
                    MESSAGE = format('There is no PostgreSQL login %I on this server: create it first '
                                     '(CREATE ROLE %I LOGIN PASSWORD …), then map it.', NEW.db_login, NEW.db_login);
            END IF;
            -- Deactivating sets the mapped login NOLOGIN (as this function's owner, the
            -- schema owner): a login that administers the server or owns the database is
            -- never a staff login, or a Desk admin could lock it out of the whole server.
            -- (The owner maps its own account at set-up: a trusted session.)
            IF NOT desk_trusted() AND NEW.db_login IS NOT NULL
               AND (TG_OP = 'INSERT' OR NEW.db_login IS DISTINCT FROM OLD.db_login)
               AND (NEW.db_login = current_user OR EXISTS (
                    SELECT 1 FROM pg_roles r WHERE r.rolname = NEW.db_login
                      AND (r.rolsuper OR r.rolcreaterole OR r.rolbypassrls
                           OR r.oid = (SELECT datdba FROM pg_database WHERE datname = current_database())))) THEN
                RAISE EXCEPTION USING ERRCODE = '22023',
                    MESSAGE = format('The PostgreSQL login %I administers the server or owns the database: '
                                     'it is not a staff login (create one: CREATE ROLE … LOGIN).', NEW.db_login);
            END IF;
            RETURN NEW;
        END $$""",
    # Group membership follows the staff_roles rows (and the account's login and active flag).
    f"""CREATE OR REPLACE FUNCTION desk_sync_login(p_staff integer, p_old_login text) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER {_PATH} AS $$
        DECLARE acc record; g record; want boolean; has boolean;
        BEGIN
            SELECT db_login, active INTO acc FROM staff_accounts WHERE id = p_staff;
            IF p_old_login IS NOT NULL AND p_old_login IS DISTINCT FROM acc.db_login THEN
                FOR g IN SELECT rolname FROM security_groups LOOP
                    IF EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles gr ON gr.oid = m.roleid
                               JOIN pg_roles mr ON mr.oid = m.member
                                WHERE gr.rolname = g.rolname AND mr.rolname = p_old_login) THEN
                        EXECUTE format('REVOKE %I FROM %I', g.rolname, p_old_login);
                    END IF;
                END LOOP;
            END IF;
            IF acc.db_login IS NULL OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = acc.db_login) THEN
                RETURN;
            END IF;
            FOR g IN SELECT role, rolname FROM security_groups LOOP
                want := coalesce(acc.active, false)
                        AND EXISTS (SELECT 1 FROM staff_roles r WHERE r.staff_id = p_staff AND r.role = g.role);
                has := EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles gr ON gr.oid = m.roleid
                               JOIN pg_roles mr ON mr.oid = m.member
                                WHERE gr.rolname = g.rolname AND mr.rolname = acc.db_login);
                IF want AND NOT has THEN
                    EXECUTE format('GRANT %I TO %I', g.rolname, acc.db_login);
                ELSIF has AND NOT want THEN
                    EXECUTE format('REVOKE %I FROM %I', g.rolname, acc.db_login);
                END IF;
            END LOOP;
            IF NOT coalesce(acc.active, false) THEN
                PERFORM desk_set_login(acc.db_login, false);
            END IF;
        END $$""",
    # A deactivated account's login is set NOLOGIN (it can no longer connect at all), and
    # LOGIN again when the account is brought back. The groups are what count for this
    # database; a server that will not let the owner alter the login (PostgreSQL 16 asks
    # for ADMIN OPTION on it) keeps it able to connect but in no Desk group, and says so.
    f"""CREATE OR REPLACE FUNCTION desk_set_login(p_login text, p_can boolean) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER {_PATH} AS $$
        BEGIN
            -- Never the owner's own login, nor one that administers the server.
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login AND rolcanlogin IS DISTINCT FROM p_can
                       AND NOT rolsuper AND NOT rolcreaterole AND rolname <> current_user
                       AND oid <> (SELECT datdba FROM pg_database WHERE datname = current_database())) THEN
                EXECUTE format('ALTER ROLE %I %s', p_login, CASE WHEN p_can THEN 'LOGIN' ELSE 'NOLOGIN' END);
            END IF;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE WARNING 'Desk could not set the login % to %: ask the DBA to run ALTER ROLE % %',
                p_login, CASE WHEN p_can THEN 'LOGIN' ELSE 'NOLOGIN' END, p_login,
                CASE WHEN p_can THEN 'LOGIN' ELSE 'NOLOGIN' END;
        END $$""",
    f"""CREATE OR REPLACE FUNCTION desk_staff_roles_sync() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER {_PATH} AS $$
        BEGIN
            PERFORM desk_sync_login(CASE WHEN TG_OP = 'DELETE' THEN OLD.staff_id ELSE NEW.staff_id END, NULL);
            RETURN NULL;
        END $$""",
    f"""CREATE OR REPLACE FUNCTION desk_staff_account_sync() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER {_PATH} AS $$
        BEGIN
            PERFORM desk_sync_login(NEW.id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.db_login END);
            -- Only bringing an account back re-enables its login: a login a DBA disabled
            -- for reasons of their own is not switched on by any other change.
            IF TG_OP = 'UPDATE' AND NEW.active AND NOT OLD.active AND NEW.db_login IS NOT NULL THEN
                PERFORM desk_set_login(NEW.db_login, true);
            END IF;
            RETURN NULL;
        END $$""",
    # SLA alerts: a staff login records only what the ticket's own SLA columns say
    # happened, and only once the instant has passed; afterwards only the words of what the
    # rule did are added, once.
    f"""CREATE OR REPLACE FUNCTION desk_sla_alert_rules() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER {_PATH} AS $$
        DECLARE inc record; expected timestamptz;
        BEGIN
            IF desk_trusted() THEN RETURN NEW; END IF;
            IF TG_OP = 'INSERT' THEN
                SELECT * INTO inc FROM incidents WHERE id = NEW.incident_id;
                expected := CASE NEW.target || ':' || NEW.level
                    WHEN 'response:at_risk' THEN inc.response_at_risk_at
                    WHEN 'resolution:at_risk' THEN inc.resolution_at_risk_at
                    WHEN 'response:breach' THEN inc.response_breached_at
                    WHEN 'resolution:breach' THEN inc.resolution_breached_at END;
                IF expected IS NULL OR NEW.reached_at IS DISTINCT FROM expected
                   OR NEW.reached_at > now() + interval '{CLOCK_TOLERANCE_S} seconds' THEN
                    PERFORM desk_refuse('an SLA alert records what the ticket''s SLA says happened, once it has');
                END IF;
                IF NEW.actions <> '' THEN
                    PERFORM desk_refuse('an SLA alert is recorded before what its rule did');
                END IF;
            ELSE
                IF (NEW.incident_id, NEW.target, NEW.level, NEW.reached_at, NEW.due_at, NEW.priority,
                    NEW.recorded_at, NEW.recorded_by, NEW.rule_id)
                   IS DISTINCT FROM (OLD.incident_id, OLD.target, OLD.level, OLD.reached_at, OLD.due_at,
                                     OLD.priority, OLD.recorded_at, OLD.recorded_by, OLD.rule_id)
                   OR OLD.actions <> '' THEN
                    PERFORM desk_refuse('an SLA alert stays as it was recorded');
                END IF;
            END IF;
            RETURN NEW;
        END $$""",
    # Staff notifications: written with the alert that raised them (just recorded, about
    # the same ticket); afterwards only their recipient marks them shown or read.
    f"""CREATE OR REPLACE FUNCTION desk_staff_notification_rules() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER {_PATH} AS $$
        BEGIN
            IF desk_trusted() THEN RETURN NEW; END IF;
            IF TG_OP = 'INSERT' THEN
                -- Only while the alert is being recorded: once its actions (who was told)
                -- are written, nobody adds a notification of their own words to it.
                IF NOT EXISTS (SELECT 1 FROM sla_alerts a WHERE a.id = NEW.alert_id
                               AND a.incident_id = NEW.incident_id AND a.actions = ''
                               AND a.recorded_at > now() - interval '10 minutes') THEN
                    PERFORM desk_refuse('a notification comes with the SLA alert that raised it');
                END IF;
                IF NEW.shown_at IS NOT NULL OR NEW.read_at IS NOT NULL THEN
                    PERFORM desk_refuse('a new notification is neither shown nor read yet');
                END IF;
            ELSE
                IF OLD.staff_id IS DISTINCT FROM desk_staff_id() THEN
                    PERFORM desk_refuse('only its recipient marks a notification shown or read');
                END IF;
                IF (NEW.staff_id, NEW.incident_id, NEW.alert_id, NEW.reason, NEW.title, NEW.body, NEW.created_at)
                   IS DISTINCT FROM (OLD.staff_id, OLD.incident_id, OLD.alert_id, OLD.reason, OLD.title,
                                     OLD.body, OLD.created_at) THEN
                    PERFORM desk_refuse('a notification says what it said: only shown and read change');
                END IF;
            END IF;
            RETURN NEW;
        END $$""",
]

# Functions a staff login calls itself (EXECUTE granted to the counter group; the
# others run only inside triggers and as definers).
CALLABLE = ("desk_trusted()", "desk_staff_id()", "desk_may(text)", "desk_next_number(text)",
            "desk_audit(timestamptz, integer, text, bigint, text, text, text, text)")
