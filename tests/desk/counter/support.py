"""Builders for counter tests (shared by tests/desk/counter, tests/desk/printing, tests/ui/counter)."""
from __future__ import annotations

import datetime as dt
import io

from PIL import Image, ImageDraw

from db.engine import Database
from desk.actor import Actor
from desk.counter.bundle import CounterServices
from desk.counter.intake import IntakeResult
from desk.counter.views import DeviceInfo, IntakeRequest
from tests import factories


def signature_png(seed: int = 0) -> bytes:
    """A small scribble as PNG, like the signature pad produces."""
    img = Image.new("RGB", (300, 100), "white")
    d = ImageDraw.Draw(img)
    d.line([(10, 70), (60, 20 + seed % 30), (110, 80), (170, 25), (230, 75), (290, 30)], fill="black", width=3)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def intake_request(uid: str, **overrides: object) -> IntakeRequest:
    base = dict(
        caller_university_id=uid,
        device=DeviceInfo(asset_tag="NU-104233", serial="5CG1234XYZ", make="Dell", model="Latitude 7440",
                          os="Windows 11", warranty_until=dt.date(2027, 6, 30)),
        symptoms="Screen flickers and goes black after ten minutes.\nFan very loud.",
        signature_png=signature_png(), staff_initials="AN", acting_status="student",
        condition=("Screen scratched",), damage_notes="Small dent on the lid, left corner.",
        accessories=("Charger", "Bag"), backup_wanted=True, wipe_allowed=False, login_needed=True,
    )
    base.update(overrides)
    return IntakeRequest(**base)  # type: ignore[arg-type]


def make_intake(db: Database, counter: CounterServices, actor: Actor, *, given: str = "Ada",
                family: str = "Lovelace", loaner: str | None = None, **overrides: object) -> IntakeResult:
    uid = factories.person(db, given=given, family=family)
    if loaner:
        overrides.setdefault("loaner_asset_tag", loaner)
        overrides.setdefault("loan_due", dt.date(2026, 11, 9))
    return counter.intake.intake(actor, intake_request(uid, **overrides))
