"""What a barcode scanner typed: a ticket number, an asset tag / serial, or a university ID."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import or_, select

from db.engine import Database
from db.models import Device, Incident, Person, Problem
from desk.common.lookups import normalise_number
from desk.errors import InvalidInput, NotFound

_TICKET = re.compile(r"^(INC|PRB)[-\s]?\d+$", re.IGNORECASE)


@dataclass(frozen=True)
class ScanResult:
    kind: str      # "incident", "problem", "device", "person"
    key: str       # the number, asset tag/serial, or university ID
    label: str     # what to tell the user


class ScanService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def resolve(self, code: str) -> ScanResult:
        text = code.strip()
        if not text:
            raise InvalidInput("Nothing was scanned.", "scan")
        with self.db.reading() as s:
            if _TICKET.match(text):
                prefix = text[:3].upper()
                number = normalise_number(text, prefix)
                model = Incident if prefix == "INC" else Problem
                row = s.execute(select(model.number, model.title).where(model.number == number)).first()
                if row is None:
                    raise NotFound(f"No {'incident' if prefix == 'INC' else 'problem'} {number}.")
                return ScanResult("incident" if prefix == "INC" else "problem", row[0], f"{row[0]} {row[1]}")
            person = s.execute(select(Person.university_id, Person.given_name, Person.family_name)
                               .where(Person.university_id == text)).first()
            if person is not None:
                return ScanResult("person", person[0], f"{person[1]} {person[2]} ({person[0]})")
            device = s.execute(select(Device.asset_tag, Device.serial, Device.make, Device.model)
                               .where(or_(Device.asset_tag == text, Device.serial == text))).first()
            if device is not None:
                return ScanResult("device", text, f"{device[2]} {device[3]} ({text})".strip())
            if text.isdigit():
                number = normalise_number(text, "INC")
                row = s.execute(select(Incident.number, Incident.title).where(Incident.number == number)).first()
                if row is not None:
                    return ScanResult("incident", row[0], f"{row[0]} {row[1]}")
        raise NotFound(f"{text!r} is not a ticket number, asset tag, serial number or university ID Desk knows.")
