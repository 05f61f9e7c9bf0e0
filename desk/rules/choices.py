"""What a user chooses from, each list once, and the one reading of a chosen or typed value.

Impact, urgency and channel are database enums (``db.enums``); the resolution codes are
a desk rule of their own (the column is plain text). The new-incident dialog, the
incident-model editor, the CLI's ``choices=`` and the services' validation all take
them from here; the words shown for them are in ``desk.rules.labels``.
"""
from __future__ import annotations

import enum
from typing import TypeVar

from db.enums import Channel, Impact, Priority, Role, Urgency
from desk.errors import InvalidInput

E = TypeVar("E", bound=enum.Enum)

# The stored values, in order, for widgets that list them (the UI names them in words
# through desk.rules.labels and never imports the database layer's enums).
PRIORITIES: tuple[str, ...] = tuple(p.value for p in Priority)        # P1 … P5
ROLES: tuple[str, ...] = tuple(r.value for r in Role)                 # lowest first
FIRST_ROLE = Role.COUNTER.value

# In the order they are offered (highest first, as the priority matrix reads).
IMPACTS: tuple[Impact, ...] = (Impact.HIGH, Impact.MEDIUM, Impact.LOW)
URGENCIES: tuple[Urgency, ...] = (Urgency.HIGH, Urgency.MEDIUM, Urgency.LOW)
CHANNELS: tuple[Channel, ...] = tuple(Channel)

# How an incident was resolved: resolving needs one of these.
RESOLUTION_CODES: tuple[str, ...] = (
    "fixed", "workaround", "replaced", "user_education", "duplicate", "no_fault_found",
    "not_reproducible", "vendor_fix",
)


def _key(text: object) -> str:
    # "Walk-in", "walk_in" and "WALK IN" are one choice; so are "last-week" and "last_week".
    return str(text).strip().lower().replace(" ", "_").replace("-", "_")


def parse(e: type[E], value: object, field: str) -> E:
    """The member of ``e`` that ``value`` names (its value, its name or its words, in any
    case); InvalidInput naming ``field`` and the allowed values otherwise."""
    if isinstance(value, e):
        return value
    key = _key(value)
    for member in e:
        if key in (_key(member.value), _key(member.name)):
            return member
    allowed = ", ".join(str(m.value) for m in e)
    raise InvalidInput(f"{field.replace('_', ' ').capitalize()} {str(value).strip()!r} is not one of: "
                       f"{allowed}.", field)


def resolution_code(value: object) -> str:
    """The resolution code ``value`` names; resolving without a known one is refused."""
    key = _key(value or "")
    if key not in RESOLUTION_CODES:
        raise InvalidInput(f"Resolving needs a resolution code, one of: {', '.join(RESOLUTION_CODES)}.",
                           "resolution_code")
    return key
