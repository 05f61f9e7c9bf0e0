"""What goes wrong at the counter in a way counter staff decide about."""
from __future__ import annotations

from collections.abc import Sequence

from desk.counter.views import DeviceView
from desk.errors import InvalidInput


class DeviceConflict(InvalidInput):
    """The asset tag and serial typed at intake do not name one device unambiguously.

    They point at two different devices, or the serial is on record for a device with
    another asset tag or another owner. Nothing was written: a device's identity never
    changes silently. ``candidates`` are the devices it could be, so counter staff decide:
    this is one of them (IntakeRequest.device_id) or a new device (IntakeRequest.new_device,
    offered when ``can_register_new``: not when the typed asset tag is already taken).
    """

    def __init__(self, problem: str, candidates: Sequence[DeviceView], *, can_register_new: bool) -> None:
        listed = "; ".join(f"{d.label}, {'owned by ' + d.owner_name if d.owner_name else 'no owner on record'}"
                           for d in candidates)
        choose = ("Choose the device it is, or register it as a new device." if can_register_new
                  else "Choose the device it is, or correct the asset tag.")
        super().__init__(f"{problem} On record: {listed}. {choose}", "device")
        self.problem = problem  # the first sentence: what does not fit
        self.candidates = tuple(candidates)
        self.can_register_new = can_register_new
