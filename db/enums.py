"""Enumerations stored in the database (as their string values)."""
from __future__ import annotations

import enum


class Impact(str, enum.Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Urgency(str, enum.Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Priority(str, enum.Enum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    P5 = "P5"


class IncidentStatus(str, enum.Enum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    PENDING_CUSTOMER = "pending_customer"
    PENDING_VENDOR = "pending_vendor"
    PENDING_PARTS = "pending_parts"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class ProblemStatus(str, enum.Enum):
    NEW = "new"
    INVESTIGATING = "investigating"
    KNOWN_ERROR = "known_error"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Channel(str, enum.Enum):
    WALK_IN = "walk_in"
    PHONE = "phone"
    EMAIL = "email"
    SELF_SERVICE = "self_service"
    MONITORING = "monitoring"


class Role(str, enum.Enum):
    COUNTER = "counter"
    TECHNICIAN = "technician"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class PersonStatusKind(str, enum.Enum):
    STUDENT = "student"
    STAFF = "staff"
    FACULTY = "faculty"
    AFFILIATE = "affiliate"
    ALUMNI = "alumni"
    GUEST = "guest"
    RETIREE = "retiree"


class JournalKind(str, enum.Enum):
    PUBLIC = "public"      # visible to the caller
    INTERNAL = "internal"  # work note for staff only
    COMMS = "comms"        # major-incident communication log


def values(e: type[enum.Enum]) -> list[str]:
    return [m.value for m in e]
