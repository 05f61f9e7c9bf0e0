"""Validation of free text typed by people (any script, any length within limits)."""
from __future__ import annotations

from desk.errors import InvalidInput


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
