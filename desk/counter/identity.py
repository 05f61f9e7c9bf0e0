"""Which device is this? What the counter typed, matched against the devices on record.

A device is found by its asset tag (unique) or by its serial number, which is not
unique: two customers' laptops can share one, and placeholders such as "N/A" are
shared by many (desk.counter.common.is_placeholder_serial; they never match). A
match is taken only when it is unambiguous. Otherwise ``DeviceConflict`` lists the
devices it could be and counter staff decide: it is one of them, or a new device.
Whatever an intake then changes on a device on record is audited field by field.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Device
from desk.actor import Actor
from desk.common import audit
from desk.counter.common import is_placeholder_serial
from desk.counter.errors import DeviceConflict
from desk.counter.read import load_device
from desk.counter.views import DeviceInfo
from desk.errors import InvalidInput, NotFound

FIELDS = ("asset_tag", "serial", "make", "model", "os", "warranty_until")


def _same(a: str | None, b: str | None) -> bool:
    """Tags and serials compare without case (scanners and people type them differently)."""
    return (a or "").strip().upper() == (b or "").strip().upper()


def _real_serial(serial: str | None) -> str | None:
    return None if is_placeholder_serial(serial) else (serial or "").strip()


def by_tag(s: Session, tag: str | None) -> Device | None:
    if not tag or not tag.strip():
        return None
    return s.execute(select(Device).where(func.upper(Device.asset_tag) == tag.strip().upper())).scalar()


def by_serial(s: Session, serial: str | None) -> list[Device]:
    real = _real_serial(serial)
    if real is None:
        return []
    return list(s.execute(select(Device).where(func.upper(Device.serial) == real.upper())
                          .order_by(Device.id)).scalars())


def _conflict(s: Session, problem: str, devices: Sequence[Device], *, can_register_new: bool) -> DeviceConflict:
    return DeviceConflict(problem, [load_device(s, d.id) for d in devices], can_register_new=can_register_new)


def identify(s: Session, info: DeviceInfo, person_id: int | None, *, device_id: int | None = None,
             new_device: bool = False) -> Device | None:
    """The device on record that ``info`` names (None: a new device), or DeviceConflict.

    ``device_id`` and ``new_device`` are counter staff's answer to an earlier conflict.
    ``person_id`` is the customer; unknown (None) while the wizard has none yet.
    """
    tag, serial = (info.asset_tag or "").strip() or None, _real_serial(info.serial)
    tagged = by_tag(s, tag)
    if device_id is not None:
        chosen = s.get(Device, device_id)
        if chosen is None:
            raise NotFound(f"No device with id {device_id}.")
        if tagged is not None and tagged.id != chosen.id:
            raise _conflict(s, f"Asset tag {tagged.asset_tag} is already on another device.", [chosen, tagged],
                            can_register_new=False)
        return chosen
    if new_device:
        if tagged is not None:
            raise InvalidInput(f"Asset tag {tagged.asset_tag} is already on {load_device(s, tagged.id).label}; "
                               "a new device needs a tag of its own (or none).", "asset_tag")
        return None
    same_serial = by_serial(s, serial)
    if tagged is not None:
        others = [d for d in same_serial if d.id != tagged.id]
        if serial is not None and _real_serial(tagged.serial) is not None and not _same(tagged.serial, serial):
            problem = f"Asset tag {tagged.asset_tag} is on record with serial {tagged.serial}, not {serial}."
            raise _conflict(s, problem, [tagged, *others], can_register_new=False)
        if others and len(others) == len(same_serial):  # the serial is only on other devices
            problem = f"Asset tag {tagged.asset_tag} and serial {serial} belong to different devices."
            raise _conflict(s, problem, [tagged, *others], can_register_new=False)
        return tagged
    if not same_serial:
        return None
    if len(same_serial) == 1:
        d = same_serial[0]
        other_tag = tag is not None and d.asset_tag is not None and not _same(d.asset_tag, tag)
        other_owner = person_id is not None and d.owner_id is not None and d.owner_id != person_id
        if not other_tag and not other_owner:
            return d
        problem = (f"Serial {serial} is on record with asset tag {d.asset_tag}, not {tag}." if other_tag
                   else f"Serial {serial} is on record for another customer's device.")
        raise _conflict(s, problem, [d], can_register_new=True)
    raise _conflict(s, f"Serial {serial} is on record for {len(same_serial)} devices.", same_serial,
                    can_register_new=True)


def record(s: Session, actor: Actor, now: dt.datetime, info: DeviceInfo, person_id: int,
           found: Device | None, reason: str) -> Device:
    """Register a new device, or bring one on record up to what was typed (each change audited)."""
    if found is None:
        d = Device(asset_tag=info.asset_tag, serial=info.serial, make=info.make, model=info.model, os=info.os,
                   warranty_until=info.warranty_until, owner_id=person_id, created_at=now, updated_at=now)
        s.add(d)
        s.flush()
        audit.record(s, actor, now, "device", d.id, "created", None, info.asset_tag or info.serial, reason)
        return d
    changed = False
    for attr in FIELDS:
        old, new = getattr(found, attr), getattr(info, attr)
        if new in (None, "") or (attr == "serial" and is_placeholder_serial(new)):
            continue  # left blank today: keep what is on record
        if old == new or (attr in ("asset_tag", "serial") and _same(old, new)):
            continue
        audit.record(s, actor, now, "device", found.id, attr, old, new, reason)
        setattr(found, attr, new)
        changed = True
    if found.owner_id is None:
        audit.record(s, actor, now, "device", found.id, "owner_id", None, person_id, reason)
        found.owner_id = person_id
        changed = True
    if changed:
        found.updated_at = now
        s.flush()
    return found
