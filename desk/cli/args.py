"""Reading typed choices on the command line: the stored value, the name or the words
people see (desk.rules.labels), in any case, with hyphens for underscores.

``desk ticket transition INC-1 in-progress`` and ``… "Pending (customer)"`` both work; a
wrong word is argparse's usage error (exit 2) listing what is accepted.
"""
from __future__ import annotations

import argparse
import enum
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from db.enums import IncidentStatus
from desk.errors import InvalidInput
from desk.rules import choices, labels

E = TypeVar("E", bound=enum.Enum)


def _key(text: object) -> str:
    # "Pending (customer)", "pending-customer" and "PENDING_CUSTOMER" read alike.
    return "_".join(re.findall(r"[a-z0-9]+", str(text).lower()))


def spelled(value: str) -> str:
    """How the CLI's help writes a stored value: ``in-progress`` for ``in_progress``."""
    return value.replace("_", "-")


def enum_choice(e: type[E], words: Mapping[E, str]) -> Callable[[str], str]:
    """An argparse ``type=`` for ``e``: returns the stored value."""

    def parse(text: str) -> str:
        try:
            return str(choices.parse(e, text, "value").value)
        except InvalidInput:
            pass
        for member, word in words.items():
            if _key(text) == _key(word):
                return str(member.value)
        raise argparse.ArgumentTypeError(
            f"{text!r} is not one of: {', '.join(spelled(str(m.value)) for m in e)}")

    parse.__name__ = e.__name__.lower()  # argparse names the type in its messages
    return parse


def code_choice(codes: Iterable[str], words: Mapping[str, str]) -> Callable[[str], str]:
    """An argparse ``type=`` for a plain-text code list (resolution codes)."""
    known = tuple(codes)

    def parse(text: str) -> str:
        for code in known:
            if _key(text) in (_key(code), _key(words.get(code, code))):
                return code
        raise argparse.ArgumentTypeError(f"{text!r} is not one of: {', '.join(spelled(c) for c in known)}")

    parse.__name__ = "code"
    return parse


def listing(values: Iterable[str]) -> str:
    """"new, assigned, in-progress, …" for a help text."""
    return ", ".join(spelled(v) for v in values)


status_choice = enum_choice(IncidentStatus, labels.STATUS)
STATUS_HELP = listing(s.value for s in IncidentStatus)
