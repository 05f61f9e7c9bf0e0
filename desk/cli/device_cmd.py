"""desk device show TAG|SERIAL: a device on record and its repair history."""
from __future__ import annotations

import argparse
import sys

from desk.cli.context import CliContext
from desk.cli.output import device_json, local_time, to_json
from desk.errors import NotFound
from desk.rules import labels


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("device", help="devices on record (laptops taken in at the counter)")
    s = p.add_subparsers(dest="device_command", required=True, metavar="ACTION")
    show = s.add_parser("show", help="one device: owner, warranty and every repair, newest first")
    show.add_argument("device", metavar="TAG|SERIAL", help="asset tag, or serial number (as scanned)")
    show.add_argument("--json", action="store_true", help="the device as JSON for scripts (times in UTC)")
    show.set_defaults(func=show_cmd)


def show_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    # The asset tag is tried first (unique), then the serial: what a scanner reads either way.
    d = ctx.services.counter.intake.find_device(asset_tag=args.device, serial=args.device)
    if d is None:
        raise NotFound(f"No device with asset tag or serial number {args.device.strip()!r}.")
    if args.json:
        print(to_json(device_json(d)))
        return 0
    site = ctx.services.site
    today = site.today(ctx.services.clock())
    if d.warranty_until is None:
        warranty = "—"
    else:
        warranty = f"{d.warranty_until:%Y-%m-%d}" + (" (expired)" if d.warranty_until < today else "")
    rows = [
        ("Device", " ".join(x for x in (d.make, d.model) if x) or "—"), ("Asset tag", d.asset_tag or "—"),
        ("Serial", d.serial or "—"), ("OS", d.os or "—"),
        ("Owner", f"{d.owner_name} ({d.owner_university_id})" if d.owner_university_id else "—"),
        ("Warranty until", warranty), ("Repairs", labels.count(len(d.repairs), "repair")),
    ]
    width = max(len(k) for k, _ in rows)
    w = sys.stdout.write
    for k, v in rows:
        w(f"{k:<{width}}  {v}\n")
    for r in d.repairs:
        w(f"  {r.number}  {local_time(r.intake_at, site)}  {labels.status(r.status):<18} {r.title}\n")
    return 0

