"""Plain, immutable results of the counter services (and the data the printouts draw from)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class DeviceInfo:
    """What the counter types or scans about a device."""

    asset_tag: str | None = None
    serial: str | None = None
    make: str = ""
    model: str = ""
    os: str = ""
    warranty_until: dt.date | None = None


@dataclass(frozen=True)
class RepairSummary:
    number: str
    title: str
    status: str
    intake_at: dt.datetime
    symptoms: str


@dataclass(frozen=True)
class DeviceView(DeviceInfo):
    id: int = 0
    owner_university_id: str | None = None
    owner_name: str | None = None
    repairs: tuple[RepairSummary, ...] = ()
    version: int = 1

    @property
    def label(self) -> str:
        name = " ".join(x for x in (self.make, self.model) if x) or "Device"
        ids = ", ".join(x for x in (self.asset_tag and f"tag {self.asset_tag}",
                                    self.serial and f"S/N {self.serial}") if x)
        return f"{name} ({ids})" if ids else name


@dataclass(frozen=True)
class LoanView:
    id: int
    loaner_asset_tag: str
    loaner_description: str
    person_university_id: str
    person_name: str
    repair_number: str | None
    lent_at: dt.datetime
    due_at: dt.datetime
    returned_at: dt.datetime | None

    def overdue(self, now: dt.datetime) -> bool:
        return self.returned_at is None and self.due_at < now


@dataclass(frozen=True)
class LoanerView:
    id: int
    asset_tag: str
    description: str
    serial: str | None
    notes: str
    retired_at: dt.datetime | None
    retire_reason: str | None
    current_loan: LoanView | None
    version: int

    @property
    def available(self) -> bool:
        return self.retired_at is None and self.current_loan is None


@dataclass(frozen=True)
class IntakeRequest:
    """Everything the intake wizard collects; the password is deliberately not a field."""

    caller_university_id: str
    device: DeviceInfo
    symptoms: str
    signature_png: bytes
    staff_initials: str
    title: str = ""
    acting_status: str | None = None
    acting_department: str | None = None
    category: str | None = None
    condition: tuple[str, ...] = ()
    damage_notes: str = ""
    accessories: tuple[str, ...] = ()
    backup_wanted: bool = False
    wipe_allowed: bool = False
    login_needed: bool = False
    loaner_asset_tag: str | None = None
    loan_due: dt.date | None = None
    # Counter staff's answer when the tag and serial did not name one device (DeviceConflict):
    # this is the device on record with this id, or a new device despite a matching serial.
    device_id: int | None = None
    new_device: bool = False


@dataclass(frozen=True)
class AccessoryView:
    id: int
    name: str
    returned: bool


@dataclass(frozen=True)
class SignatureView:
    purpose: str
    signer_name: str
    signed_at: dt.datetime
    png: bytes


@dataclass(frozen=True)
class RepairView:
    """A repair with everything the slip, tag, receipt and pickup dialog show."""

    id: int
    number: str
    title: str
    status: str
    priority: str
    caller_university_id: str
    caller_name: str
    caller_email: str | None
    caller_phone: str | None
    acting_status: str | None
    acting_department: str | None
    device: DeviceView
    symptoms: str
    category: str | None
    condition: tuple[str, ...]
    damage_notes: str
    accessories: tuple[AccessoryView, ...]
    backup_wanted: bool
    wipe_allowed: bool
    login_needed: bool
    terms_version: str
    staff_initials: str
    intake_at: dt.datetime
    intake_by: str | None
    ready_at: dt.datetime | None
    work_done: str
    parts: tuple[str, ...]
    resolution_note: str | None
    picked_up_at: dt.datetime | None
    pickup_by: str | None
    pickup_id_checked: str | None
    # The desk's time zone (Site): the slip, tag and receipt print their times in it.
    time_zone: str
    loans: tuple[LoanView, ...] = ()
    signatures: tuple[SignatureView, ...] = field(default_factory=tuple)
    version: int = 1

    def local(self, when: dt.datetime) -> dt.datetime:
        """``when`` on the desk's wall clock."""
        return when.astimezone(ZoneInfo(self.time_zone))

    def signature(self, purpose: str) -> SignatureView | None:
        return next((s for s in self.signatures if s.purpose == purpose), None)

    @property
    def loan(self) -> LoanView | None:
        return self.loans[0] if self.loans else None


@dataclass(frozen=True)
class PickupRequest:
    number: str
    id_checked: str
    accessories_returned: tuple[str, ...]
    signature_png: bytes
    work_done: str
    loaner_returned: bool = True
    missing_note: str = ""
    resolution_code: str = "fixed"
    # Why a repair nobody started work on (still New) is handed back as it is.
    unworked_reason: str = ""
