"""desk print slip|tag|receipt NUMBER --out FILE.pdf: the counter's printouts as PDF files."""
from __future__ import annotations

import argparse
from pathlib import Path

from desk.cli.context import CliContext
from desk.errors import InvalidInput

KINDS = ("slip", "tag", "receipt")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("print", help="intake slip, device tag or pickup receipt of a repair, as PDF")
    p.add_argument("kind", choices=KINDS, help="what to print")
    p.add_argument("number", help="ticket number (INC-000123, 123, or a scanned slip barcode)")
    p.add_argument("--out", required=True, type=Path, help="PDF file to write")
    p.add_argument("--paper", choices=("letter", "a4"), default="letter", help="slip and receipt paper")
    p.add_argument("--label", default="62x29", help="device tag size in mm, WIDTHxHEIGHT (default 62x29)")
    p.set_defaults(func=print_cmd)


def print_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    from desk.printing import LabelSize, build_device_tag, build_intake_slip, build_pickup_receipt

    if args.out.suffix.lower() != ".pdf":
        raise InvalidInput(f"--out {args.out} should end in .pdf.", "out")
    if not args.out.parent.exists():
        raise InvalidInput(f"Folder {args.out.parent} does not exist.", "out")
    try:
        label = LabelSize.parse(args.label)
    except ValueError as exc:
        raise InvalidInput(str(exc), "label") from None
    ctx.require_staff()
    repair = ctx.services.counter.intake.repair(args.number)
    if args.kind == "receipt" and repair.picked_up_at is None:
        raise InvalidInput(f"{repair.number} has not been picked up yet; there is no receipt to print.", "number")
    tmp = args.out.with_name(args.out.name + ".part")
    # Write beside the target and rename, so a failed build never leaves half a PDF.
    if args.kind == "slip":
        build_intake_slip(repair, tmp, paper=args.paper)
    elif args.kind == "tag":
        build_device_tag(repair, tmp, label=label)
    else:
        build_pickup_receipt(repair, tmp, paper=args.paper)
    tmp.replace(args.out)
    print(args.out)
    return 0
