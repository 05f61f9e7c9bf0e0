"""The events that send mail (to a customer; the SLA alert to staff), in words, with the placeholders each may use.

Every event can be switched off per service (``mail_event_switches``); its message is a
template a supervisor may edit (``desk.mail.templates``).
"""
from __future__ import annotations

import enum


class MailEvent(str, enum.Enum):
    OPENED = "opened"                    # the reference number, as soon as a ticket exists
    PUBLIC_COMMENT = "public_comment"    # a reply the customer should read
    WAITING_FOR_YOU = "waiting_for_you"  # Pending (customer): the desk needs something
    RESOLVED = "resolved"                # with how to reopen
    LAPTOP_READY = "laptop_ready"        # the repair checklist's "Notify customer"
    LOANER_OVERDUE = "loaner_overdue"    # a reminder, once a day while it is overdue
    MAJOR_UPDATE = "major_update"        # the communication log, audience "users"
    SLA_ALERT = "sla_alert"              # to staff: a target at risk or breached (desk.escalation)


WORDS: dict[MailEvent, str] = {
    MailEvent.OPENED: "Ticket opened",
    MailEvent.PUBLIC_COMMENT: "Public reply added",
    MailEvent.WAITING_FOR_YOU: "Waiting for the customer",
    MailEvent.RESOLVED: "Ticket resolved",
    MailEvent.LAPTOP_READY: "Laptop ready for pickup",
    MailEvent.LOANER_OVERDUE: "Loaner overdue reminder",
    MailEvent.MAJOR_UPDATE: "Major-incident update to affected users",
    MailEvent.SLA_ALERT: "SLA alert to staff",
}

# What every message may say (filled from the ticket, never from the template's markup).
COMMON = ("number", "title", "caller_name", "status", "service", "desk_name", "desk_hours", "desk_contact")
PLACEHOLDERS: dict[MailEvent, tuple[str, ...]] = {
    MailEvent.OPENED: COMMON,
    MailEvent.PUBLIC_COMMENT: (*COMMON, "comment", "author"),
    MailEvent.WAITING_FOR_YOU: (*COMMON, "reason"),
    MailEvent.RESOLVED: (*COMMON, "resolution", "resolution_note", "reopen_days"),
    MailEvent.LAPTOP_READY: (*COMMON, "device", "pickup_hours"),
    MailEvent.LOANER_OVERDUE: (*COMMON, "loaner", "due"),
    MailEvent.MAJOR_UPDATE: (*COMMON, "update", "major_number", "major_title"),
    MailEvent.SLA_ALERT: (*COMMON, "staff_name", "alert", "details"),
}


def parse(value: str) -> MailEvent:
    from desk.errors import InvalidInput

    key = value.strip().lower().replace("-", "_")
    try:
        return MailEvent(key)
    except ValueError:
        raise InvalidInput(f"No mail event {value!r}; the events are: "
                           + ", ".join(e.value.replace("_", "-") for e in MailEvent) + ".", "event") from None
