"""The rich text of the ticket's read-only parts: SLA, caller card, links, timeline entries.

User text is escaped before it reaches a rich-text label; times are on the desk's clock
(``site``); statuses, fields and values are in words (``desk.rules.labels``)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from desk.common.records import IncidentView
from desk.common.site import Site
from desk.mail.notify import MailView
from desk.rules import labels
from desk.workstation.detail import TicketDetail
from ui.queue.cells import duration


def _clock(site: Site) -> Any:
    """A formatter of instants on the desk's wall clock ("—" for none)."""
    def t(when: dt.datetime | None) -> str:
        return site.local(when).strftime("%a %Y-%m-%d %H:%M") if when else "—"
    return t


def _e(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sla_html(inc: IncidentView, info: Any | None, now: dt.datetime, site: Site) -> str:
    """From the SLA engine's IncidentSla when available, else from the stored columns."""
    _t = _clock(site)
    if info is not None:
        lines = []
        for name in ("response", "resolution"):
            part = getattr(info, name, None)
            if part is None:
                continue
            target = getattr(part, "target_seconds", None) or getattr(part, "target_s", None)
            used = getattr(part, "business_seconds_used", None)
            due = getattr(part, "due_at", None)
            state = getattr(part, "state", "")
            breached = getattr(part, "breached_at", None)
            line = (f"<b>{name.capitalize()}</b>: target {duration(target, business=True) if target else '—'}, "
                    f"due {_t(due)}, used {duration(used, business=True) if used is not None else '—'} "
                    f"— {_e(str(state).replace('_', ' ').capitalize() if state else '')}")
            if breached:
                line += f" <span style='color:#c81e1e'>⚑ breached {_t(breached)}</span>"
            lines.append(line)
        pauses = getattr(info, "pauses", ()) or ()
        for p in pauses:
            start = getattr(p, "start", None) or getattr(p, "started_at", None)
            end = getattr(p, "end", None) or getattr(p, "ended_at", None)
            why = getattr(p, "reason", None) or getattr(p, "status", "")
            lines.append(f"Paused {_t(start)} → {_t(end) if end else 'now'} {_e(labels.status(why) if why else '')}")
        for b in getattr(info, "breaches", ()) or ():
            lines.append(f"<span style='color:#c81e1e'>⚑ {_e(str(b.target).capitalize())} target breached "
                         f"{_t(b.at)} (at {b.priority})</span>")
        if getattr(info, "sla_name", None):
            lines.append(f"SLA {_e(info.sla_name)} v{info.sla_version}, calendar "
                         f"{_e(info.calendar_name or '—')} v{info.calendar_version}")
        if lines:
            return "<br>".join(lines)
    rows = []
    for name, due, breached in (("Response", inc.response_due_at, inc.response_breached_at),
                                ("Resolution", inc.resolution_due_at, inc.resolution_breached_at)):
        state = ""
        if breached:
            state = f" <span style='color:#c81e1e'>⚑ breached {_t(breached)}</span>"
        elif due is not None:
            left = (due - now).total_seconds()
            state = f" ({duration(left)} {'left' if left >= 0 else 'over'})"
        rows.append(f"<b>{name}</b> due {_t(due)}{state}")
    if inc.responded_at:
        rows.append(f"Responded {_t(inc.responded_at)}")
    if inc.sla_paused_at:
        rows.append(f"Clock paused since {_t(inc.sla_paused_at)} ({labels.status(inc.status)})")
    if inc.resolved_at:
        rows.append(f"Resolved {_t(inc.resolved_at)}")
    return "<br>".join(rows)


def clocks_html(info: Any | None, site: Site) -> str:
    """The two SLA clocks in one line for the page's header: "Response: met · Resolution:
    due Thu 18:00, on track" (colour only beside the words, never instead of them)."""
    if info is None:
        return ""
    colours = {"breached": "#c81e1e", "missed": "#c81e1e", "at_risk": "#b45f00"}
    parts = []
    for name in ("response", "resolution"):
        part = getattr(info, name, None)
        if part is None or part.target_s is None:
            continue
        state = str(part.state or "")
        words = _e(labels.sla_state(state))
        if part.done_at is None and part.due_at is not None and state not in ("paused",):
            words = f"due {site.local(part.due_at):%a %d %b %H:%M}, {words}"
        colour = colours.get(state)
        shown = f"<span style='color:{colour}'><b>{words}</b></span>" if colour else words
        parts.append(f"{name.capitalize()}: {shown}")
    return " · ".join(parts)


def caller_html(detail: TicketDetail, today: dt.date) -> str:
    """``today``: the desk's date, which decides which of the caller's statuses have ended."""
    p = detail.caller
    inc = detail.incident
    if p is None:
        return "No caller recorded."
    statuses = ", ".join(labels.acting_status(s.kind) + ("" if s.active_on(today) else " (ended)")
                         for s in p.statuses) or "—"
    depts = ", ".join(a.department + (f" — {a.title}" if a.title else "") + (" (primary)" if a.is_primary else "")
                      for a in p.affiliations) or "—"
    out = [f"<b>{_e(p.display_name)}</b> · {p.university_id}",
           f"{_e(p.email or '')} {_e(p.phone or '')}",
           f"Statuses: {_e(statuses)}", f"Departments: {_e(depts)}"]
    if inc.acting_status or inc.acting_department:
        acting = labels.acting_status(inc.acting_status) if inc.acting_status else ""
        out.append(f"Acting as: {_e(acting)} {_e(inc.acting_department or '')}")
    if p.vip is not None:
        out.append(f"<span style='color:#a0522d'><b>★ VIP</b> {_e(p.vip.office or '')}</span> — policy "
                   f"v{p.vip.policy_version}: <i>{_e(p.vip.policy_text)}</i>")
    if detail.caller_open:
        out.append("Other open tickets: " + ", ".join(
            f"{n} {_e(t[:40])} ({labels.status(s)})" for n, t, s in detail.caller_open))
    else:
        out.append("No other open tickets.")
    return "<br>".join(out)


def timeline_entries(detail: TicketDetail, site: Site) -> list[tuple[str, str]]:
    """(kind, text) newest first; kind in public, internal, status, audit, mail, sla."""
    _t = _clock(site)
    items: list[tuple[dt.datetime, str, str]] = []
    for j in detail.journal:
        kind = "internal" if j.kind in ("internal", "comms") else "public"
        label = "INTERNAL work note (staff only)" if kind == "internal" else "Public comment"
        items.append((j.at, kind, f"{_t(j.at)} · {label} by {j.author or 'system'}\n{j.body}"))
    for a in detail.audit:
        if a.field == "status":
            text = (f"{_t(a.at)} · {a.actor or 'system'}: status {labels.value('status', a.old_value)} → "
                    f"{labels.value('status', a.new_value)}")
            if a.reason:
                text += f" ({a.reason})"
            items.append((a.at, "status", text))
        else:
            items.append((a.at, "audit", f"{_t(a.at)} · {a.actor or 'system'}: {labels.field(a.field)} "
                                         f"{labels.value(a.field, a.old_value)} → "
                                         f"{labels.value(a.field, a.new_value)}"))
    for m in detail.mails:
        items.append((m.created_at, "mail", mail_line(m, _t)))
    for alert in detail.alerts:
        # At the instant it happened (not when it was noticed), with what its rule did.
        noticed = "" if alert.recorded_at - alert.reached_at < dt.timedelta(minutes=2) else \
            f" (noticed {_t(alert.recorded_at)} by {alert.recorded_by})"
        items.append((alert.reached_at, "sla", f"{_t(alert.reached_at)} · SLA alert: {alert.words}{noticed}\n"
                                           f"{alert.actions[:1].upper() + alert.actions[1:] if alert.actions else ''}"))
    # A mail comes after what caused it (a comment, a status) at the same instant.
    items.sort(key=lambda x: (x[0], x[1] == "mail"), reverse=True)
    return [(k, t) for _at, k, t in items]


def mail_line(m: MailView, when: Callable[[dt.datetime], str]) -> str:
    """A message Desk sent, or is trying to, as the timeline shows it."""
    if m.status == "sent" and m.sent_at is not None:
        state = f"sent {when(m.sent_at)}"
    elif m.status == "failed":
        state = f"NOT SENT: {m.last_error or 'failed'}"
    elif m.attempts and m.last_error:
        state = f"waiting to be sent (next try {when(m.next_attempt_at)}; {m.last_error})"
    else:
        state = "waiting to be sent"
    return f"{when(m.created_at)} · E-mail to {m.recipient} — {state}\n{m.subject}"


def links_html(detail: TicketDetail) -> str:
    """Problem, parent and children as links (href "problem:PRB-…" / "incident:INC-…")."""
    inc = detail.incident
    parts = []
    if inc.problem_number:
        parts.append(f"Problem: <a href='problem:{inc.problem_number}'>{inc.problem_number}</a>")
    if inc.parent_number:
        parts.append(f"Parent major incident: <a href='incident:{inc.parent_number}'>{inc.parent_number}</a>")
    if detail.children:
        parts.append(f"Children ({len(detail.children)}): " + ", ".join(
            f"<a href='incident:{n}'>{n}</a> ({_e(labels.status(s))})" for n, _title, s in detail.children))
    if inc.model:
        parts.append(f"Incident model: {_e(inc.model)}")
    return "<br>".join(parts) or "No links."
