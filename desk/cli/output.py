"""Printing results for people (tables, in words) and scripts (JSON, the stored values)."""
from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import asdict
from typing import Any

from desk.common.records import IncidentView
from desk.common.site import Site
from desk.counter.views import DeviceView, RepairView
from desk.rules import labels


def to_json(data: Any) -> str:
    def default(o: Any) -> Any:
        if isinstance(o, (dt.datetime, dt.date)):
            return o.isoformat()
        raise TypeError(type(o).__name__)

    return json.dumps(data, ensure_ascii=False, indent=2, default=default)


def ticket_json(v: IncidentView) -> dict[str, Any]:
    d = v.to_json()
    d["caller"] = {"university_id": v.caller_university_id, "name": v.caller_name, "vip": v.caller_is_vip} \
        if v.caller_university_id else None
    d["opened"] = d["opened_at"]
    d["updated"] = d["updated_at"]
    return d


def device_json(d: DeviceView) -> dict[str, Any]:
    """A device on record with its repair history, newest first (times UTC ISO)."""
    return asdict(d)


def repair_json(r: RepairView) -> dict[str, Any]:
    """A counter repair as stored; signatures by who and when (the images stay in the database)."""
    d = asdict(r)
    d["device"] = device_json(r.device)
    d["signatures"] = [{"purpose": x.purpose, "signer_name": x.signer_name, "signed_at": x.signed_at}
                       for x in r.signatures]
    return d


def local_time(when: dt.datetime | None, site: Site) -> str:
    """An instant as people at the desk read it: "2026-03-02 09:15 EST"."""
    if when is None:
        return "—"
    t = site.local(when)
    return f"{t:%Y-%m-%d %H:%M} {t.tzname()}"


def print_ticket(v: IncidentView, site: Site) -> None:
    rows = [
        ("Number", v.number), ("Title", v.title), ("Status", labels.status(v.status)), ("Priority", v.priority_explanation),
        ("Caller", f"{v.caller_name} ({v.caller_university_id})" + (" [VIP]" if v.caller_is_vip else "")
         if v.caller_university_id else "—"),
        ("Acting as", " / ".join(x for x in (v.acting_status and labels.acting_status(v.acting_status),
                                             v.acting_department) if x) or "—"),
        ("Service", v.service or "—"), ("Category", v.category or "—"), ("Team", v.team or "—"),
        ("Assignee", v.assignee or "—"), ("Channel", labels.channel(v.channel)), ("Opened", local_time(v.opened_at, site)),
        ("Updated", local_time(v.updated_at, site)),
        ("Response due", local_time(v.response_due_at, site)),
        ("Resolution due", local_time(v.resolution_due_at, site)),
    ]
    if v.resolution_code:
        rows.append(("Resolution", f"{labels.resolution_code(v.resolution_code)}: {v.resolution_note}"))
    if v.problem_number:
        rows.append(("Problem", v.problem_number))
    width = max(len(k) for k, _ in rows)
    for k, val in rows:
        sys.stdout.write(f"{k:<{width}}  {val}\n")
    if v.description:
        sys.stdout.write(f"\n{v.description}\n")
