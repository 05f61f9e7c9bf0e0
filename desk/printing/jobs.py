"""Building a counter printout as PDF bytes by kind and ticket number (for previews and printing)."""
from __future__ import annotations

import io

from desk.counter.intake import IntakeService
from desk.counter.views import RepairView
from desk.errors import InvalidInput
from desk.printing.builders import build_device_tag, build_intake_slip, build_pickup_receipt
from desk.printing.styles import LabelSize

KINDS = {"slip": "Intake slip", "tag": "Device tag", "receipt": "Pickup receipt"}


def render(repair: RepairView, kind: str, *, paper: str = "letter", label: str = "62x29") -> bytes:
    out = io.BytesIO()
    if kind == "slip":
        build_intake_slip(repair, out, paper=paper)
    elif kind == "tag":
        try:
            size = LabelSize.parse(label)
        except ValueError as exc:
            raise InvalidInput(str(exc), "label") from None
        build_device_tag(repair, out, label=size)
    elif kind == "receipt":
        if repair.picked_up_at is None:
            raise InvalidInput(f"{repair.number} has not been picked up yet.", "number")
        build_pickup_receipt(repair, out, paper=paper)
    else:
        raise InvalidInput(f"Unknown printout {kind!r}; one of: {', '.join(KINDS)}.", "kind")
    return out.getvalue()


def render_for(intake: IntakeService, number: str, kinds: list[str], *, paper: str = "letter",
               label: str = "62x29") -> list[tuple[str, str, bytes]]:
    """(kind, number, pdf) for each kind, reading the repair once."""
    repair = intake.repair(number)
    return [(k, repair.number, render(repair, k, paper=paper, label=label)) for k in kinds]
