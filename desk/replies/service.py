"""Canned replies: a technician's own, or shared by a team, with placeholders filled from
the ticket (never from markup: the text is inserted as plain text into the reply box).

Placeholders: {caller_name}, {caller_first_name}, {number}, {title}, {status},
{pickup_hours}, {desk_name}, {my_name}. One that is not known is refused when the reply is
saved, so a typo never reaches a customer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import CannedReply, Incident, Person, Team, TeamMember
from desk import resources
from desk.actor import Actor
from desk.clock import Clock
from desk.common import audit, lookups
from desk.common.text import clean_text
from desk.errors import InvalidInput, NotFound, PermissionDenied
from desk.rules import labels
from desk.rules.permissions import require

PLACEHOLDERS = ("caller_name", "caller_first_name", "number", "title", "status", "pickup_hours", "desk_name",
                "my_name")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
BODY_MAX = 20_000


@dataclass(frozen=True)
class ReplyView:
    id: int
    title: str
    body: str
    team: str | None          # None: personal
    version: int

    @property
    def scope(self) -> str:
        return f"team {self.team}" if self.team else "personal"


def check_body(body: str) -> str:
    text = clean_text(body, "reply text", required=True, max_length=BODY_MAX)
    unknown = sorted({m for m in _PLACEHOLDER.findall(text) if m not in PLACEHOLDERS})
    if unknown:
        raise InvalidInput(", ".join("{" + u + "}" for u in unknown) + " is not a placeholder; the placeholders are: "
                           + ", ".join("{" + p + "}" for p in PLACEHOLDERS) + ".", "body")
    return text


class CannedReplyService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def available(self, actor: Actor) -> list[ReplyView]:
        """Mine, then my teams', by title."""
        with self.db.reading() as s:
            teams = select(TeamMember.team_id).where(TeamMember.staff_id == actor.staff_id)
            rows = s.execute(select(CannedReply, Team.name).outerjoin(Team, Team.id == CannedReply.team_id)
                             .where(or_(CannedReply.owner_id == actor.staff_id, CannedReply.team_id.in_(teams)))
                             .order_by(CannedReply.team_id.is_not(None), CannedReply.title, CannedReply.id)).all()
            return [ReplyView(r.id, r.title, r.body, team, r.version) for r, team in rows]

    def save(self, actor: Actor, *, title: str, body: str, team: str | None = None,
             reply_id: int | None = None) -> ReplyView:
        """A new reply (``reply_id`` None) or a changed one. A team's replies are kept by its
        members; a personal one by its owner alone."""
        require(actor, "incident.comment")
        name = clean_text(title, "title", required=True, single_line=True, max_length=120)
        text = check_body(body)
        now = self.clock()
        with self.db.writing() as s:
            team_id = lookups.team_id(s, team) if team else None
            if team_id is not None:
                self._require_member(s, actor, team_id)
            if reply_id is None:
                row = CannedReply(title=name, body=text, owner_id=None if team_id else actor.staff_id,
                                  team_id=team_id, created_at=now, updated_at=now, updated_by_id=actor.staff_id)
                s.add(row)
                s.flush()
                audit.record(s, actor, now, "canned_reply", row.id, "created", None, name)
            else:
                row = self._own(s, actor, reply_id)
                row.title, row.body, row.updated_at, row.updated_by_id = name, text, now, actor.staff_id
                s.flush()
            team_name = s.get(Team, row.team_id).name if row.team_id else None  # type: ignore[union-attr]
            return ReplyView(row.id, row.title, row.body, team_name, row.version)

    def delete(self, actor: Actor, reply_id: int) -> None:
        now = self.clock()
        with self.db.writing() as s:
            row = self._own(s, actor, reply_id)
            audit.record(s, actor, now, "canned_reply", row.id, "deleted", row.title, None)
            s.delete(row)

    def fill(self, actor: Actor, reply_id: int, number: str) -> str:
        """The reply's text for ``number``'s caller, as it goes into the reply box."""
        with self.db.reading() as s:
            reply = s.get(CannedReply, reply_id)
            if reply is None or not self._may_use(s, actor, reply):
                raise NotFound(f"No canned reply {reply_id} of yours or your teams'.")
            inc = lookups.incident_by_number(s, number)
            return fill_text(reply.body, self._values(s, actor, inc))

    # -- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _values(s: Session, actor: Actor, inc: Incident) -> dict[str, str]:
        caller = s.get(Person, inc.caller_id) if inc.caller_id else None
        first = (caller.preferred_name or caller.given_name) if caller else ""
        branding = resources.load_json("branding", "branding.json")
        return {"caller_name": f"{first} {caller.family_name}".strip() if caller else "",
                "caller_first_name": first or "", "number": inc.number, "title": inc.title,
                "status": labels.status(inc.status), "pickup_hours": str(branding.get("hours") or ""),
                "desk_name": str(branding.get("desk") or ""), "my_name": actor.display_name}

    @staticmethod
    def _require_member(s: Session, actor: Actor, team_id: int) -> None:
        member = s.execute(select(TeamMember.team_id).where(TeamMember.team_id == team_id,
                                                            TeamMember.staff_id == actor.staff_id)).first()
        if member is None:
            raise PermissionDenied("Only the team's members keep its canned replies.")

    def _may_use(self, s: Session, actor: Actor, reply: CannedReply) -> bool:
        if reply.owner_id is not None:
            return reply.owner_id == actor.staff_id
        return s.execute(select(TeamMember.team_id).where(TeamMember.team_id == reply.team_id,
                                                          TeamMember.staff_id == actor.staff_id)).first() is not None

    def _own(self, s: Session, actor: Actor, reply_id: int) -> CannedReply:
        row = s.get(CannedReply, reply_id)
        if row is None or not self._may_use(s, actor, row):
            raise NotFound(f"No canned reply {reply_id} of yours or your teams'.")
        return row


def fill_text(body: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)
