"""Reading the directory feed (people.csv, affiliations.csv) into checked records.

Nothing here touches the database: every row is parsed and checked first, so the
writer only sees rows that are known to be good, and every bad row is reported by
file and line with the reason.

Tolerated without complaint: a UTF-8 byte-order mark, CRLF line ends, blank lines,
quoted fields with commas and doubled quotes, white space around a value (trimmed) and
runs of spaces inside it (made one). Rejected: wrong number of fields, missing required
values, bad university IDs, e-mails or dates, markup (HTML tags or entities — the feed
is plain text and markup in a name is a sign of an upstream bug), control characters
inside a value (a tab or a line break in a name is one too: every value is a single
line), invisible bidi overrides, embeddings and isolates, bytes that are not UTF-8,
unknown status kinds, duplicates.
E-mails are checked with the same rule as the counter's person form; an address that
passes it but is still malformed (".7@example.edu", a name romanised to nothing) is
imported as given with a warning, so the person is not lost over their e-mail.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from db.enums import PersonStatusKind
from desk.people.service import EMAIL

PEOPLE_COLUMNS = ("university_id", "given_name", "family_name", "preferred_name", "email", "phone")
PEOPLE_REQUIRED = ("university_id", "given_name", "family_name")
AFFILIATION_COLUMNS = ("university_id", "kind", "value", "title", "primary", "start_date", "end_date")
AFFILIATION_REQUIRED = ("university_id", "kind", "value")

# The university's directory issues nine-digit IDs.
FEED_ID = re.compile(r"^[0-9]{9}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?][^>]*>|&(#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z]+);")
# Every feed value is one line of printable text: C0 and C1 controls (tab and line breaks
# included), the line and paragraph separators, and the invisible bidi embeddings,
# overrides and isolates (which reorder how a name reads) mean an upstream bug.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
FORMATTING = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
SPACES = re.compile(r" {2,}")
PHONE = re.compile(r"^[0-9+().\-/ ]{3,40}((x|ext\.?)\s?[0-9]{1,6})?$", re.IGNORECASE)
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
NAME_MAX = 200


@dataclass(frozen=True)
class RowProblem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class PersonRecord:
    line: int
    university_id: str
    given_name: str
    family_name: str
    preferred_name: str | None
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class StatusRecord:
    line: int
    kind: PersonStatusKind
    start_date: dt.date | None
    end_date: dt.date | None


@dataclass(frozen=True)
class DepartmentRecord:
    line: int
    path: tuple[str, ...]   # "School of Medicine/Radiology" -> ("School of Medicine", "Radiology")
    title: str | None
    is_primary: bool
    start_date: dt.date | None
    end_date: dt.date | None

    @property
    def name(self) -> str:
        return self.path[-1]


@dataclass
class Parsed:
    """One file's good records and its problems."""

    file: str
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    people: dict[str, PersonRecord] = field(default_factory=dict)
    statuses: dict[str, list[StatusRecord]] = field(default_factory=dict)
    departments: dict[str, list[DepartmentRecord]] = field(default_factory=dict)
    # IDs with at least one rejected row (their other rows must not be applied either).
    tainted: dict[str, list[int]] = field(default_factory=dict)
    # Lines read per ID, for messages about a person's other rows.
    lines: dict[str, list[int]] = field(default_factory=dict)


class _RowError(Exception):
    pass


def _rows(path: Path, parsed: Parsed, expected: tuple[str, ...], required: tuple[str, ...]
          ) -> list[tuple[int, dict[str, str]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FileNotFoundError(f"Cannot read {path}: {exc.strerror or exc}") from None
    # surrogateescape keeps undecodable bytes visible per row instead of failing the file.
    text = raw.decode("utf-8-sig", errors="surrogateescape")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header_row = next(reader)
    except StopIteration:
        parsed.problems.append(RowProblem(parsed.file, 1, "the file is empty (no header line)"))
        return []
    except csv.Error as exc:
        parsed.problems.append(RowProblem(parsed.file, 1, f"the header cannot be read: {exc}"))
        return []
    header = [h.strip().lower() for h in header_row]
    missing = [c for c in required if c not in header]
    if missing:
        parsed.problems.append(RowProblem(
            parsed.file, 1, f"the header lacks the column(s) {', '.join(missing)}; expected "
                            f"{','.join(expected)}; nothing in this file was imported"))
        return []
    for extra in [h for h in header if h not in expected]:
        parsed.warnings.append(RowProblem(parsed.file, 1, f"unknown column {extra!r} ignored"))
    out: list[tuple[int, dict[str, str]]] = []
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            parsed.problems.append(RowProblem(parsed.file, line, f"unreadable CSV: {exc}"))
            continue
        if not any(v.strip() for v in values):
            continue  # blank line
        if len(values) != len(header):
            uid = values[0].strip() if values else ""
            parsed.problems.append(RowProblem(
                parsed.file, line, f"has {len(values)} fields, the header has {len(header)}"))
            _taint(parsed, uid, line)
            continue
        out.append((line, dict(zip(header, values, strict=True))))
    return out


def _taint(parsed: Parsed, uid: str, line: int) -> None:
    if uid:
        parsed.tainted.setdefault(uid, []).append(line)


def _text(row: dict[str, str], column: str, *, required: bool = False, max_length: int = NAME_MAX) -> str | None:
    """A checked value: surrounding white space trimmed, runs of spaces inside made one."""
    value = SPACES.sub(" ", (row.get(column) or "").strip())
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise _RowError(f"{column} is not valid UTF-8 text")
    if bad := CONTROL.search(value):
        raise _RowError(f"{column} contains {_control_name(bad.group())}")
    if bad := FORMATTING.search(value):
        ch = bad.group()
        raise _RowError(f"{column} contains an invisible formatting character "
                        f"(U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')})")
    if MARKUP.search(value):
        raise _RowError(f"{column} contains markup ({value!r}); the feed must be plain text")
    if required and not value:
        raise _RowError(f"{column} is missing")
    if len(value) > max_length:
        raise _RowError(f"{column} is {len(value)} characters long; the limit is {max_length}")
    return value or None


def _control_name(ch: str) -> str:
    if ch == "\t":
        return "a tab"
    if ch in "\n\r\u2028\u2029":
        return "a line break"
    return f"a control character (U+{ord(ch):04X})"


def _uid(row: dict[str, str]) -> str:
    uid = _text(row, "university_id", required=True, max_length=32) or ""
    if not FEED_ID.match(uid):
        raise _RowError(f"university_id {uid!r} is not a nine-digit university ID")
    return uid


def _date(row: dict[str, str], column: str) -> dt.date | None:
    value = _text(row, column, max_length=10)
    if value is None:
        return None
    try:
        if not ISO_DATE.match(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _RowError(f"{column} {value!r} is not a date (YYYY-MM-DD)") from None


def parse_people(path: Path) -> Parsed:
    parsed = Parsed(path.name)
    seen: dict[str, list[int]] = {}
    records: dict[str, PersonRecord] = {}
    for line, row in _rows(path, parsed, PEOPLE_COLUMNS, PEOPLE_REQUIRED):
        raw_uid = (row.get("university_id") or "").strip()
        parsed.lines.setdefault(raw_uid, []).append(line)
        try:
            uid = _uid(row)
            given = _text(row, "given_name", required=True)
            family = _text(row, "family_name", required=True)
            preferred = _text(row, "preferred_name")
            email = _text(row, "email", max_length=320)
            if email is not None and not EMAIL.match(email):
                raise _RowError(f"email {email!r} is not an e-mail address")
            phone = _text(row, "phone", max_length=64)
            if phone is not None and not PHONE.match(phone):
                raise _RowError(f"phone {phone!r} is not a phone number")
        except _RowError as exc:
            parsed.problems.append(RowProblem(parsed.file, line, str(exc)))
            _taint(parsed, raw_uid, line)
            continue
        if email is not None and (email.startswith(".") or ".@" in email or ".." in email):
            parsed.warnings.append(RowProblem(
                parsed.file, line, f"email {email!r} has a malformed local part; imported as given, "
                                   "tell the directory team"))
        seen.setdefault(uid, []).append(line)
        records[uid] = PersonRecord(line, uid, given or "", family or "", preferred, email, phone)
    for uid, lines in seen.items():
        if len(lines) > 1:
            # Which of two rows is right cannot be known: import neither.
            for line in lines:
                parsed.problems.append(RowProblem(
                    parsed.file, line, f"university_id {uid} appears on lines "
                                       f"{', '.join(map(str, lines))}; none of them was imported"))
                _taint(parsed, uid, line)
            records.pop(uid, None)
    parsed.people = {u: r for u, r in records.items() if u not in parsed.tainted}
    return parsed


def parse_affiliations(path: Path) -> Parsed:
    parsed = Parsed(path.name)
    status_keys: dict[tuple[str, PersonStatusKind, dt.date | None], int] = {}
    dept_keys: dict[tuple[str, str], int] = {}
    for line, row in _rows(path, parsed, AFFILIATION_COLUMNS, AFFILIATION_REQUIRED):
        raw_uid = (row.get("university_id") or "").strip()
        parsed.lines.setdefault(raw_uid, []).append(line)
        try:
            uid = _uid(row)
            kind = (_text(row, "kind", required=True) or "").lower()
            value = _text(row, "value", required=True, max_length=600) or ""
            start = _date(row, "start_date")
            end = _date(row, "end_date")
            if start and end and end < start:
                raise _RowError(f"end_date {end} is before start_date {start}")
            if kind == "status":
                try:
                    status = PersonStatusKind(value.strip().lower())
                except ValueError:
                    allowed = ", ".join(k.value for k in PersonStatusKind)
                    raise _RowError(f"status {value!r} is not one of: {allowed}") from None
                key = (uid, status, start)
                if key in status_keys:
                    raise _RowError(f"status {status.value} from {start} is already on line {status_keys[key]}")
                status_keys[key] = line
                parsed.statuses.setdefault(uid, []).append(StatusRecord(line, status, start, end))
            elif kind == "department":
                parts = tuple(p.strip() for p in value.split("/"))
                if not all(parts) or any(len(p) > NAME_MAX for p in parts):
                    raise _RowError(f"department {value!r} is not a department path like 'School/Department'")
                primary_text = (_text(row, "primary", max_length=10) or "").lower()
                if primary_text not in YES | NO:
                    raise _RowError(f"primary {primary_text!r} must be yes or no")
                dkey = (uid, parts[-1].lower())
                if dkey in dept_keys:
                    raise _RowError(f"department {parts[-1]} is already on line {dept_keys[dkey]}")
                dept_keys[dkey] = line
                parsed.departments.setdefault(uid, []).append(DepartmentRecord(
                    line, parts, _text(row, "title"), primary_text in YES, start, end))
            else:
                raise _RowError(f"kind {kind!r} must be 'status' or 'department'")
        except _RowError as exc:
            parsed.problems.append(RowProblem(parsed.file, line, str(exc)))
            _taint(parsed, raw_uid, line)
    for uid, depts in parsed.departments.items():
        primaries = [d.line for d in depts if d.is_primary and d.end_date is None]
        if len(primaries) > 1:
            for line in primaries:
                parsed.problems.append(RowProblem(
                    parsed.file, line, f"{uid} has {len(primaries)} primary departments (lines "
                                       f"{', '.join(map(str, primaries))}); exactly one may be primary"))
                _taint(parsed, uid, line)
    return parsed
