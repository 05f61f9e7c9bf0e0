"""Mail delivery speed: 10,000 queued messages delivered to a local SMTP server (aiosmtpd),
messages per second and memory, beside the floor: the same messages sent with bare
smtplib over one connection to the same server, no database at all.

Target (issue 12): a day's mail of a university desk (a few thousand) in minutes, so at
least 50 messages a second from one sender, and memory flat (messages are read in
batches, never all at once).

    make bench PYTEST_ARGS="-k mail"
"""
from __future__ import annotations

import datetime as dt
import smtplib
import time
from pathlib import Path

from sqlalchemy import insert, select

from db.engine import Database
from db.models import Incident, OutboxMessage
from desk.bootstrap import Services
from desk.mail.compose import Outgoing, build
from tests import factories
from tests.desk.mail.conftest import DESK_ADDRESS, SmtpServer, memory_keyring  # noqa: F401  (fixture)

N = 10_000
TARGET_PER_S = 50.0


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def test_ten_thousand_messages(db_url: str, memory_keyring) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    server = SmtpServer()
    server.handler.keep = False
    server.start()
    db = Database.connect(db_url)
    try:
        services = Services.over(db)
        admin = services.staff.resolve_actor(os_username="bench")
        services.mail.setup(admin, smtp=server.url, security="none", from_address=DESK_ADDRESS, enabled=True)
        uid = factories.person(db, given="Ada", family="Lovelace", email="ada@example.edu")
        inc = factories.incident(services, admin, "Printer jam", caller=uid)
        now = services.clock()
        with db.writing() as s:
            inc_id = s.execute(select(Incident.id).where(Incident.number == inc.number)).scalar_one()
            s.execute(insert(OutboxMessage), [
                {"event": "public_comment", "incident_id": inc_id, "dedupe_key": f"bench:{i}",
                 "recipient": "ada@example.edu", "recipient_name": "Ada Lovelace",
                 "subject": f"[{inc.number}] New reply: Printer jam ({i})", "body_text": "Hello Ada,\n\n" + "x" * 600,
                 "body_html": "<p>Hello Ada,</p><p>" + "x" * 600 + "</p>", "message_id": f"<bench{i}@example.edu>",
                 "thread_refs": f"<{inc.number.lower()}@example.edu>", "status": "queued", "attempts": 0,
                 "next_attempt_at": now, "created_at": now} for i in range(N)])
        rss0 = _rss_mb()
        t = time.perf_counter()
        report = services.mail.send()
        desk_s = time.perf_counter() - t
        rss1 = _rss_mb()
        assert report.sent == N + 1 and server.handler.count == N + 1

        # The floor: the same messages, built the same way, sent by bare smtplib.
        config = services.mail.config()
        items = [Outgoing(i, "ada@example.edu", "Ada Lovelace", f"[{inc.number}] ({i})", "Hello Ada,\n\n" + "x" * 600,
                          "<p>Hello Ada,</p><p>" + "x" * 600 + "</p>", f"<floor{i}@example.edu>", "", inc.number)
                 for i in range(N)]
        t = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", server.port) as smtp:
            for item in items:
                smtp.send_message(build(item, config, dt.datetime.now(dt.UTC)), to_addrs=[item.recipient])
        floor_s = time.perf_counter() - t
    finally:
        db.dispose()
        server.stop()
    rate, floor = (N + 1) / desk_s, N / floor_s
    print(f"\nmail [{db.dialect}]: {N + 1:,} delivered in {desk_s:.1f} s = {rate:,.0f} msg/s "
          f"(target >= {TARGET_PER_S:.0f}); bare smtplib floor {floor:,.0f} msg/s; "
          f"RSS {rss0:.0f} -> {rss1:.0f} MB ({rss1 - rss0:+.1f})")
    assert rate >= TARGET_PER_S
