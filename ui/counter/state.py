"""What the intake wizard has collected so far, as plain data (also the draft's shape)."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from desk.common.records import PersonView
from desk.counter.views import DeviceInfo, IntakeRequest


@dataclass
class IntakeState:
    page: int = 0
    person_uid: str = ""
    person_label: str = ""
    acting_status: str = ""
    acting_department: str = ""
    asset_tag: str = ""
    serial: str = ""
    device_id: int | None = None      # staff chose this device on record (a DeviceConflict answered)
    new_device: bool = False          # … or a new device despite a matching serial
    make: str = ""
    model: str = ""
    os: str = ""
    warranty_until: str = ""          # ISO date or ""
    symptoms: str = ""
    category: str = "Hardware"
    condition: list[str] = field(default_factory=list)
    damage_notes: str = ""
    accessories: list[str] = field(default_factory=list)
    backup_wanted: bool | None = None
    wipe_allowed: bool | None = None
    login_needed: bool | None = None
    loaner: str = ""                  # asset tag, "" = none
    loaner_label: str = ""
    loan_due: str = ""                # ISO date
    staff_initials: str = ""
    terms_accepted: bool = False
    signature: list[list[tuple[float, float]]] = field(default_factory=list)
    started_at: str = ""
    person: PersonView | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("person")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IntakeState:
        names = {f.name for f in fields(cls)} - {"person"}
        state = cls(**{k: v for k, v in data.items() if k in names})
        state.signature = [[(float(x), float(y)) for x, y in s] for s in state.signature]
        return state

    def device(self) -> DeviceInfo:
        return DeviceInfo(
            asset_tag=self.asset_tag or None, serial=self.serial or None, make=self.make, model=self.model,
            os=self.os, warranty_until=dt.date.fromisoformat(self.warranty_until) if self.warranty_until else None,
        )

    def request(self, signature_png: bytes) -> IntakeRequest:
        return IntakeRequest(
            caller_university_id=self.person_uid, device=self.device(), symptoms=self.symptoms,
            signature_png=signature_png, staff_initials=self.staff_initials,
            acting_status=self.acting_status or None, acting_department=self.acting_department or None,
            category=self.category or None, condition=tuple(self.condition), damage_notes=self.damage_notes,
            accessories=tuple(self.accessories), backup_wanted=bool(self.backup_wanted),
            wipe_allowed=bool(self.wipe_allowed), login_needed=bool(self.login_needed),
            loaner_asset_tag=self.loaner or None,
            loan_due=dt.date.fromisoformat(self.loan_due) if self.loaner and self.loan_due else None,
            device_id=self.device_id, new_device=self.new_device,
        )
