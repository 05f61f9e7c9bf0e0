"""Demo data of the walk-in counter: a loaner pool and laptop repairs in every stage.

Repairs go through the real services (intake, checklist, pickup) on a moving clock, so
the demo shows exactly what counter staff produce: slips print, overdue loaners show.
"""
from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy import select

from db.engine import Database
from db.models import Device, Person
from desk.actor import Actor
from desk.clock import SettableClock
from desk.common.site import Site
from desk.counter.bundle import CounterServices
from desk.counter.views import DeviceInfo, IntakeRequest, PickupRequest

LOANERS = (
    "Lenovo ThinkPad T14 Gen 4", "Lenovo ThinkPad T14 Gen 4", "Lenovo ThinkPad E14", "Dell Latitude 5440",
    "Dell Latitude 5440", "Dell Latitude 7440", "HP EliteBook 840 G10", "HP EliteBook 840 G10",
    "Apple MacBook Air M2", "Apple MacBook Air M2", "Lenovo ThinkPad X1 Carbon", "Dell Latitude 3540",
    "HP ProBook 450 G10", "Microsoft Surface Laptop 5",
)
DEVICES = (
    ("Dell", "Latitude 7440", "Windows 11"), ("Apple", "MacBook Air M2", "macOS"),
    ("Apple", "MacBook Pro 14", "macOS"), ("Lenovo", "ThinkPad T14", "Windows 11"),
    ("HP", "EliteBook 840 G9", "Windows 11"), ("Lenovo", "IdeaPad 5", "Windows 11"),
    ("ASUS", "ZenBook 14", "Windows 11"), ("Dell", "XPS 13", "Ubuntu 24.04"), ("Acer", "Swift 3", "Windows 10"),
)
SYMPTOMS = (
    "Screen stays black after power on; fan spins.", "Battery drains in under an hour.",
    "Keyboard: several keys do not respond after a coffee spill.", "Very slow, disk at 100 % all the time.",
    "Cracked screen after a fall; touch still works.", "Will not charge; charger light is on.",
    "Blue screen at start-up (INACCESSIBLE_BOOT_DEVICE).", "Hinge broke, lid wobbles.",
    "Wi-Fi card not found after update.", "Loud clicking from inside, then shuts down.",
)
PARTS = ("14in FHD display panel", "Battery 54 Wh", "Keyboard (US)", "NVMe SSD 512 GB", "Hinge set",
         "USB-C charging board", "Wi-Fi card AX211")


def signature(rng: random.Random) -> bytes:
    img = Image.new("RGB", (360, 120), "white")
    d = ImageDraw.Draw(img)
    x, y = 20, 70
    points = [(x, y)]
    for _ in range(9):
        x += rng.randint(20, 40)
        y = max(15, min(105, y + rng.randint(-40, 40)))
        points.append((x, y))
    d.line(points, fill=(11, 26, 58), width=3, joint="curve")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def loaner_rows(loader: Any, now_s: int) -> list[dict[str, Any]]:
    """Rows for the loader step of desk.demo (ids assigned by the database)."""
    rows = []
    for i, desc in enumerate(LOANERS, start=1):
        retired = i in (13, 14)
        rows.append({
            "asset_tag": f"LN-{i:04d}", "description": desc, "serial": f"LNR{i:05d}X",
            "notes": "Wiped and reimaged after each loan.", "added_at": loader.ts(now_s - 400 * 86400),
            "retired_at": loader.ts(now_s - 30 * 86400) if retired else None,
            "retire_reason": ("Battery swollen" if i == 13 else "Screen cracked, beyond economic repair")
            if retired else None, "version": 1,
        })
    return rows


def _desk_time(day: dt.date, rng: random.Random, site: Site) -> dt.datetime:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return site.at(day, dt.time(rng.randint(8, 16), rng.randint(0, 59)))


def add_repairs(db: Database, counter: CounterServices, clock: SettableClock, actor: Actor, *,
                rng: random.Random, count: int = 36, progress: Callable[[str], None] = lambda _m: None) -> int:
    """``count`` repairs over the last six weeks: closed, pending parts, ready, just in; some with loaners.

    ``counter`` is the composition root's counter over ``clock``, which this walks through
    the weeks from where it stands now; ``actor`` takes the repairs in."""
    now = clock.now
    with db.reading() as s:
        people = list(s.execute(select(Person.university_id).order_by(Person.id).limit(2000)).scalars())
        # A later load continues the tags: a tag names one laptop, and intake refuses a
        # tag that is on record with another serial.
        tags = [t for t in s.execute(select(Device.asset_tag).where(Device.asset_tag.like("NU-%"))).scalars()
                if t and t[3:].isdigit()]
    first_tag = max([104000, *(int(t[3:]) + 7 for t in tags)])
    if not people:
        return 0
    # Repairs come in during the desk's hours, on its own calendar's clock.
    site = counter.site
    starts = sorted(_desk_time(site.today(now - dt.timedelta(days=rng.uniform(0.2, 42))), rng, site)
                    for _ in range(count))
    starts = [min(t, now - dt.timedelta(hours=1)) for t in starts]
    made = 0
    for n, at in enumerate(starts):
        clock.now = at
        age_days = (now - at).total_seconds() / 86400
        make, model, os_ = rng.choice(DEVICES)
        free = counter.loaners.available() if age_days < 16 else []
        # One loan in a few is left out past its due date, so the overdue view has something to show.
        lend = bool(free) and (rng.random() < 0.45 or 7.5 < age_days < 9.5)
        due = site.today(at) + dt.timedelta(days=7)
        req = IntakeRequest(
            caller_university_id=rng.choice(people),
            device=DeviceInfo(asset_tag=f"NU-{first_tag + n * 7}" if rng.random() < 0.6 else None,
                              serial=f"{rng.choice('5CGPFJ')}{rng.randint(10**7, 10**8 - 1)}", make=make, model=model,
                              os=os_, warranty_until=(now + dt.timedelta(days=rng.randint(-200, 600))).date()),
            symptoms=rng.choice(SYMPTOMS), signature_png=signature(rng), staff_initials=actor.display_name[:2].upper()
            if actor.display_name[:2].isalpha() else "SD",
            condition=tuple(rng.sample(("Screen scratched", "Case dented or cracked", "Stickers or engraving"),
                                       rng.randint(0, 2))),
            accessories=tuple(x for x in ("Charger", "Bag", "Mouse") if rng.random() < (0.8 if x == "Charger" else 0.3)),
            backup_wanted=rng.random() < 0.5, wipe_allowed=rng.random() < 0.4, login_needed=rng.random() < 0.6,
            loaner_asset_tag=free[0].asset_tag if lend else None, loan_due=due if lend else None,
        )
        if req.condition:
            req = IntakeRequest(**{**req.__dict__, "damage_notes": "Marks noted with the customer at the counter."})
        number = counter.intake.intake(actor, req).number
        made += 1
        tasks = {t.title: t.id for t in counter.checklist.state(number).tasks}

        def tick(title: str, hours: float, number: str = number, tasks: dict[str, int] = tasks) -> None:
            clock.now += dt.timedelta(hours=hours)
            counter.checklist.set_done(actor, number, tasks[title], True)

        if age_days > 1:
            tick("Diagnose", rng.uniform(2, 20))
        stage = rng.random()
        if age_days > 4 and stage < 0.35:
            tick("Order parts", 1)
            counter.checklist.order_parts(actor, number, [rng.choice(PARTS)])
            if age_days > 12:
                clock.now += dt.timedelta(days=3)
                counter.checklist.parts_arrived(actor, number)
            else:
                continue  # still waiting for parts
        if age_days > 3:
            tick("Repair", rng.uniform(4, 30))
            tick("Quality test", 2)
            tick("Notify customer", 0.5)
        if age_days > 9 and rng.random() < 0.85:
            clock.now += dt.timedelta(days=rng.uniform(1, 3))
            repair = counter.intake.repair(number)
            counter.pickup.pickup(actor, PickupRequest(
                number=number, id_checked="University card",
                accessories_returned=tuple(a.name for a in repair.accessories), signature_png=signature(rng),
                work_done="Diagnosed, repaired and tested; customer shown the fix at pickup."))
    progress(f"counter: {made} laptop repairs, {len(counter.loaners.open_loans())} loaners out, "
             f"{len(counter.loaners.overdue())} overdue")
    return made
