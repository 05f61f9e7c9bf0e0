"""Free text typed by people (any script, any length within limits): checked before it is
stored, and cleaned the one way every printout and export shows it."""
from __future__ import annotations

import re
import unicodedata

from desk.errors import InvalidInput

# Characters that change how the text around them reads without being seen themselves:
# C0 and C1 controls (tab and line breaks aside), bidirectional embeddings, overrides,
# isolates and marks (an RTL override prints "gnp.exe" as "exe.png"), zero-width
# characters and the byte-order mark.
_HIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e"
                     r"\u2066-\u2069\ufeff]")


def display_text(value: str | None) -> str:
    """User text as slips, reports and CSV exports show it: NFC, without hidden characters.

    What is stored stays as typed; this is for output only, and every printout and
    export goes through it (desk.pdf.text, desk.reports.csv_export).
    """
    return _HIDDEN.sub("", unicodedata.normalize("NFC", value or ""))


def clean_text(value: str | None, field: str, *, required: bool = False, max_length: int | None = None,
               single_line: bool = False) -> str:
    """Return the text to store, or raise naming the field and what is wrong.

    Text is kept exactly as typed except that single-line fields lose surrounding
    white space. NUL and unpaired surrogates are refused: PostgreSQL cannot store
    the first and UTF-8 cannot encode the second.
    """
    text = value or ""
    if single_line:
        text = text.strip()
    if "\x00" in text:
        raise InvalidInput(f"{field.capitalize()} contains a NUL character, which cannot be stored.", field)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"{field.capitalize()} contains characters that are not valid Unicode.", field) from None
    if single_line and ("\n" in text or "\r" in text):
        raise InvalidInput(f"{field.capitalize()} must be a single line.", field)
    if required and not text.strip():
        raise InvalidInput(f"{field.capitalize()} is required.", field)
    if max_length is not None and len(text) > max_length:
        raise InvalidInput(
            f"{field.capitalize()} is {len(text)} characters long; the limit is {max_length}.", field
        )
    return text
