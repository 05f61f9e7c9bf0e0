"""desk mail setup | status | outbox | send | events | switch | template: the desk's e-mail.

Cron, on any machine with Desk (every 5 minutes is plenty; senders never collide; fetch
under a supervisor's account):

    */5 * * * *  desk mail send --remind-loans
    */2 * * * *  desk mail fetch
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from desk.cli.context import CliContext
from desk.cli.output import local_time, to_json
from desk.errors import InvalidInput
from desk.inbound.imap import parse_imap_url
from desk.mail import credentials
from desk.mail.credentials import Login
from desk.mail.events import WORDS, MailEvent, parse
from desk.mail.service import ImapSetting
from desk.rules import labels


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("mail", help="e-mail to customers: set-up, the outbox, delivery, templates")
    s = p.add_subparsers(dest="mail_command", required=True, metavar="ACTION")

    setup = s.add_parser("setup", help="how this desk sends mail (supervisors; shared by every workstation)")
    setup.add_argument("--smtp", metavar="smtp://HOST:PORT", help="the SMTP server (smtps:// for TLS)")
    sec = setup.add_mutually_exclusive_group()
    sec.add_argument("--starttls", dest="security", action="store_const", const="starttls",
                     help="upgrade the connection with STARTTLS (the default; port 587)")
    sec.add_argument("--tls", dest="security", action="store_const", const="tls",
                     help="TLS from the first byte (port 465)")
    sec.add_argument("--no-tls", dest="security", action="store_const", const="none",
                     help="no encryption: only for a relay on a trusted network")
    setup.add_argument("--from", dest="from_address", metavar="ADDRESS", help="the desk's own address")
    setup.add_argument("--from-name", metavar="NAME", help="the name shown beside it (default: IT Service Desk)")
    setup.add_argument("--user", metavar="NAME", help="SMTP login name (with --password-stdin)")
    setup.add_argument("--password-stdin", action="store_true",
                       help="read the SMTP password from standard input into this machine's keyring")
    setup.add_argument("--no-login", action="store_true", help="the server takes mail without a login")
    setup.add_argument("--imap", metavar="imaps://USER@HOST[:PORT]/MAILBOX",
                       help="the mailbox customers write to (imap:// upgrades with STARTTLS where offered)")
    setup.add_argument("--imap-password-stdin", action="store_true",
                       help="read the mailbox password from standard input into this machine's keyring "
                            "(after the SMTP password when both are given)")
    setup.add_argument("--flood-per-hour", type=int, metavar="N",
                       help="more messages than this from one sender in an hour are kept aside (default 10)")
    on = setup.add_mutually_exclusive_group()
    on.add_argument("--on", dest="enabled", action="store_const", const=True, help="start queueing mail")
    on.add_argument("--off", dest="enabled", action="store_const", const=False,
                    help="stop queueing new mail (what is queued still goes)")
    setup.set_defaults(func=setup_cmd)

    status = s.add_parser("status", help="the settings and how many messages are in each state")
    status.add_argument("--json", action="store_true", help="as JSON for scripts")
    status.set_defaults(func=status_cmd)

    box = s.add_parser("outbox", help="the outbox, newest first: queued, sent and failed messages")
    box.add_argument("--status", choices=("queued", "sending", "sent", "failed"), help="only these")
    box.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    box.add_argument("--json", action="store_true", help="as JSON for scripts (times in UTC)")
    box.set_defaults(func=outbox_cmd)

    send = s.add_parser("send", help="deliver what is due (cron or by hand)")
    send.add_argument("--all", action="store_true",
                      help="also what waits for a retry (after fixing the server)")
    send.add_argument("--remind-loans", action="store_true",
                      help="first queue today's reminders for overdue loaners (once a day each)")
    send.add_argument("--user", metavar="NAME", help="SMTP login name, with --password-file")
    send.add_argument("--password-file", type=Path, metavar="FILE",
                      help="a file only you can read whose first line is the SMTP password "
                           "(a cron host without a keyring); Desk never writes it")
    send.add_argument("--limit", type=int, help="try at most this many messages")
    send.set_defaults(func=send_cmd)

    fetch = s.add_parser("fetch", help="read new mail from the desk's mailbox into tickets (supervisors; cron)")
    fetch.add_argument("--imap-password-file", type=Path, metavar="FILE",
                       help="a file only you can read whose first line is the mailbox password (no keyring)")
    fetch.add_argument("--limit", type=int, default=200, help="at most this many messages per run (default 200)")
    fetch.set_defaults(func=fetch_cmd)

    inbox = s.add_parser("inbox", help="what was fetched and what came of it, newest first")
    inbox.add_argument("--kept-aside", action="store_true", help="only what was not turned into tickets, and why")
    inbox.add_argument("--unknown", action="store_true", help="only senders the directory does not know")
    inbox.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    inbox.add_argument("--json", action="store_true", help="as JSON for scripts (times in UTC)")
    inbox.set_defaults(func=inbox_cmd)

    events = s.add_parser("events", help="the events that send mail, on or off (for a service)")
    events.add_argument("--service", help="a service's own switches")
    events.set_defaults(func=events_cmd)

    switch = s.add_parser("switch", help="switch an event on or off for a service (supervisors)")
    switch.add_argument("event", help="opened, public-comment, waiting-for-you, resolved, laptop-ready, "
                                      "loaner-overdue or major-update")
    switch.add_argument("state", choices=("on", "off"), help="on or off")
    switch.add_argument("--service", required=True, help="the service")
    switch.set_defaults(func=switch_cmd)

    tpl = s.add_parser("template", help="show, change or reset an event's message (supervisors)")
    tpl.add_argument("event", help="the event (see desk mail events)")
    tpl.add_argument("--subject", help="the new subject ({number} etc. are filled in)")
    tpl.add_argument("--text-file", type=Path, metavar="FILE", help="the new plain-text body (UTF-8)")
    tpl.add_argument("--html-file", type=Path, metavar="FILE", help="the new HTML body (UTF-8); optional")
    tpl.add_argument("--reset", action="store_true", help="back to the message Desk ships")
    tpl.set_defaults(func=template_cmd)


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"No file {path} ({what}).", what) from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text ({what}).", what) from None
    except OSError as exc:
        raise InvalidInput(f"Cannot read {path}: {exc.strerror} ({what}).", what) from None


def setup_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.require_staff()
    login = None
    imap_setting = None
    if args.imap:
        target = parse_imap_url(args.imap)
        imap_setting = ImapSetting(target.host, target.port, target.security, target.user, target.mailbox)
    if args.password_stdin:
        if not args.user:
            raise InvalidInput("--password-stdin needs --user NAME (the SMTP login).", "user")
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InvalidInput("No password on standard input.", "password")
        login = Login(args.user, password)
    elif args.user:
        raise InvalidInput("--user needs --password-stdin (the password goes to this machine's keyring).", "user")
    imap_password = None
    if args.imap_password_stdin:
        imap_password = sys.stdin.readline().rstrip("\r\n")
        if not imap_password:
            raise InvalidInput("No mailbox password on standard input.", "imap_password")
    config = ctx.services.mail.setup(actor, smtp=args.smtp, security=args.security,
                                     from_address=args.from_address, from_name=args.from_name,
                                     enabled=args.enabled, login=login, no_login=args.no_login, imap=imap_setting,
                                     imap_password=imap_password, flood_per_hour=args.flood_per_hour)
    print(f"Mail: {config.describe()}")
    if login is not None:
        print(f"The SMTP login for {config.server} is in this machine's keyring; other workstations that "
              "send need it too (desk mail setup --user NAME --password-stdin there).")
    if config.configured and not config.enabled:
        print("Switch it on with: desk mail setup --on")
    return 0


def status_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    config = ctx.services.mail.config()
    counts = ctx.services.mail.counts()
    if args.json:
        data = dataclasses.asdict(config)
        data.pop("version", None)
        print(to_json({"settings": data, "outbox": counts,
                       "login_here": bool(config.smtp_auth and credentials.load(config.server))}))
        return 0
    print(f"Mail: {config.describe()}")
    if config.smtp_auth and credentials.load(config.server) is None:
        print("This machine has no SMTP login in its keyring: it cannot send (desk mail setup --user NAME "
              "--password-stdin, or send --user NAME --password-file FILE).")
    print("Outbox: " + ", ".join(f"{counts.get(k, 0):,} {k}" for k in ("queued", "sending", "sent", "failed")))
    return 0


def outbox_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    rows = ctx.services.mail.outbox(status=args.status, limit=max(1, min(args.limit, 10_000)))
    if args.json:
        print(to_json([dataclasses.asdict(r) for r in rows]))
        return 0
    if not rows:
        print("The outbox is empty." if args.status is None else f"No {args.status} message.")
        return 0
    site = ctx.services.site
    w = sys.stdout.write
    for r in rows:
        when = r.sent_at if r.status == "sent" else r.created_at
        state = {"queued": f"queued (next try {local_time(r.next_attempt_at, site)})" if r.attempts
                 else "queued", "sending": "sending", "sent": "sent", "failed": "FAILED"}[r.status]
        w(f"{r.id:>7}  {local_time(when, site)}  {r.ticket or '—':<12} {state:<12} {r.recipient}  {r.subject}\n")
        if r.last_error and r.status != "sent":
            w(f"{'':>9}{labels.count(r.attempts, 'attempt')}; the server said: {r.last_error}\n")
    return 0


def send_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    mail = ctx.services.mail
    login = None
    if args.password_file is not None:
        if not args.user:
            raise InvalidInput("--password-file needs --user NAME (the SMTP login).", "user")
        login = credentials.from_file(args.password_file, args.user)
    elif args.user:
        raise InvalidInput("--user needs --password-file FILE.", "user")
    if args.remind_loans:
        queued = mail.remind_overdue_loans()
        if queued:
            print(f"Queued {labels.count(queued, 'loaner reminder')}.")
    report = mail.send(login, include_waiting=args.all, limit=args.limit)
    print(f"Mail: {report.describe()}.")
    for problem in report.problems:
        print(f"  {problem}", file=sys.stderr)
    # Messages waiting for a server that is down are not an error of this run; a failure is.
    return 1 if report.failed else 0


def fetch_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.require_staff()
    login = None
    if args.imap_password_file is not None:
        config = ctx.services.mail.config()
        login = credentials.from_file(args.imap_password_file, config.imap_user)
    report = ctx.services.inbound.fetch(actor, login, limit=max(1, min(args.limit, 5000)))
    print(f"Mail in: {report.describe()}.")
    for o in report.outcomes:
        if o.outcome != "duplicate":
            print(f"  {o.describe()}")
    return 0


def inbox_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    rows = ctx.services.inbound.inbox(kept_aside=args.kept_aside, unknown=args.unknown,
                                      limit=max(1, min(args.limit, 10_000)))
    if args.json:
        print(to_json([dataclasses.asdict(r) for r in rows]))
        return 0
    if not rows:
        print("Nothing fetched yet." if not (args.kept_aside or args.unknown) else "None.")
        return 0
    site = ctx.services.site
    words = {"opened": "opened", "commented": "added", "kept_aside": "KEPT ASIDE", "failed": "NOT READ"}
    for r in rows:
        who = f"{r.from_name} <{r.from_address}>" if r.from_name else (r.from_address or "(no sender)")
        unknown = " (not in the directory)" if r.unknown_sender else ""
        print(f"{local_time(r.received_at, site)}  {words.get(r.outcome, r.outcome):<10} {r.ticket or '—':<12} "
              f"{who}{unknown}  {r.subject}")
        if r.reason:
            print(f"{'':>20}{r.reason}")
    return 0


def events_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    for e in ctx.services.mail.events(args.service):
        custom = " (edited template)" if e.customised else ""
        print(f"{e.event.value.replace('_', '-'):<16} {'on ' if e.enabled else 'off'}  {e.words}{custom}")
    return 0


def switch_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.require_staff()
    event = parse(args.event)
    ctx.services.mail.switch(actor, args.service, event, args.state == "on")
    print(f"{WORDS[event]}: {args.state} for {args.service}.")
    return 0


def template_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.require_staff()
    event: MailEvent = parse(args.event)
    mail = ctx.services.mail
    if args.reset:
        t = mail.reset_template(actor, event)
        print(f"{WORDS[event]}: back to the shipped message.")
    elif args.subject or args.text_file or args.html_file:
        current = mail.template(event)
        t = mail.set_template(actor, event, subject=args.subject or current.subject,
                              body_text=_read(args.text_file, "text_file") if args.text_file else current.body_text,
                              body_html=_read(args.html_file, "html_file") if args.html_file else current.body_html)
        print(f"{WORDS[event]}: saved.")
    else:
        t = mail.template(event)
    print(f"Subject: {t.subject}\n\n{t.body_text}")
    return 0
