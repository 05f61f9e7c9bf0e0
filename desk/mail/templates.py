"""Mail templates: the shipped defaults (resources/mail/<event>.txt and .html) or a
supervisor's version (``mail_templates``), and filling them for one message.

A placeholder is ``{name}`` with a name the event knows (``desk.mail.events``). Values come
from the ticket and are never read as markup: they are HTML-escaped in the HTML part, and
a name the event does not know stays as typed, so a template cannot reach anything else.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache

from desk import resources
from desk.errors import InvalidInput
from desk.mail.events import PLACEHOLDERS, MailEvent

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
SUBJECT_MAX = 300
BODY_MAX = 50_000


@dataclass(frozen=True)
class Template:
    event: MailEvent
    subject: str
    body_text: str
    body_html: str
    customised: bool = False     # a supervisor's version, not the shipped one
    version: int = 0


@cache
def default(event: MailEvent) -> Template:
    text = resources.path("mail", f"{event.value}.txt").read_text(encoding="utf-8")
    first, _, body = text.partition("\n")
    if not first.startswith("Subject:"):
        raise RuntimeError(f"resources/mail/{event.value}.txt must start with a Subject: line")
    html_path = resources.path("mail", f"{event.value}.html")
    body_html = html_path.read_text(encoding="utf-8") if html_path.exists() else ""
    return Template(event, first.removeprefix("Subject:").strip(), body.lstrip("\n"), body_html)


def check(event: MailEvent, subject: str, body_text: str, body_html: str) -> Template:
    """A supervisor's template, refused with a clear message if it cannot work."""
    subject = " ".join(subject.split())
    if not subject:
        raise InvalidInput("The subject is required.", "subject")
    if len(subject) > SUBJECT_MAX:
        raise InvalidInput(f"The subject is {len(subject)} characters; at most {SUBJECT_MAX}.", "subject")
    if not body_text.strip():
        raise InvalidInput("The plain-text body is required (many mail programs show only it).", "body_text")
    for part, value in (("body_text", body_text), ("body_html", body_html)):
        if len(value) > BODY_MAX:
            raise InvalidInput(f"The {part.replace('_', ' ')} is {len(value):,} characters; at most {BODY_MAX:,}.",
                               part)
    known = set(PLACEHOLDERS[event])
    for part, value in (("subject", subject), ("body_text", body_text), ("body_html", body_html)):
        unknown = sorted({m for m in _PLACEHOLDER.findall(value) if m not in known})
        if unknown:
            raise InvalidInput(f"{', '.join('{' + u + '}' for u in unknown)} in the {part.replace('_', ' ')} "
                               f"is not a placeholder of this event; it knows: "
                               + ", ".join("{" + k + "}" for k in PLACEHOLDERS[event]) + ".", part)
    return Template(event, subject, body_text, body_html, customised=True)


def fill(template: str, values: dict[str, str], *, as_html: bool = False) -> str:
    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in values:
            return m.group(0)
        value = values[name]
        return html.escape(value).replace("\n", "<br>\n") if as_html else value

    return _PLACEHOLDER.sub(one, template)


def subject_for(template: Template, values: dict[str, str]) -> str:
    """The filled subject on one line, always naming the ticket as ``[INC-000123]`` (replies
    find their ticket by it)."""
    subject = " ".join(fill(template.subject, values).split())
    tag = f"[{values['number']}]"
    return subject if tag in subject else f"{tag} {subject}"
