"""Walk-up satisfaction: at the end of a pickup the customer taps a face (or does not), and
the supervisor sees the results per counter member, per technician and per week.

The rating is the customer's act: it is taken only on the pickup screen, right after that
pickup (within ``WINDOW``), by the counter member who handed the laptop back, once; nobody
changes it afterwards. What a member could still do is tap a face themselves while the
customer looks away; the audit entry and the response rate make that visible, the rules
cannot.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from db.engine import Database
from db.models import Incident, Repair, SatisfactionRating, StaffAccount
from desk.actor import Actor
from desk.clock import Clock
from desk.common import audit, lookups
from desk.common.site import Site
from desk.common.text import clean_text
from desk.errors import InvalidInput, PermissionDenied
from desk.rules.permissions import require

WINDOW = dt.timedelta(minutes=15)
SCORES = {1: "Unhappy", 2: "Neutral", 3: "Happy"}
COMMENT_MAX = 1000


@dataclass(frozen=True)
class Tally:
    """Ratings of one counter member, technician or week."""

    label: str
    pickups: int
    answered: int
    happy: int
    neutral: int
    unhappy: int

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.pickups if self.pickups else None

    @property
    def score(self) -> float | None:
        """Mean on a 0–100 scale (unhappy 0, neutral 50, happy 100) of those who answered."""
        if not self.answered:
            return None
        return (self.happy * 100 + self.neutral * 50) / self.answered


@dataclass(frozen=True)
class SatisfactionSummary:
    since: dt.datetime
    total: Tally
    by_counter: tuple[Tally, ...]
    by_technician: tuple[Tally, ...]
    by_week: tuple[Tally, ...]
    comments: tuple[tuple[dt.datetime, str, int | None, str], ...]   # (when, ticket, score, text), newest first


class SatisfactionService:
    def __init__(self, db: Database, clock: Clock, site: Site) -> None:
        self.db = db
        self.clock = clock
        self.site = site

    def record(self, actor: Actor, number: str, score: int | None, comment: str = "") -> None:
        """The customer's answer for the pickup just done (``score`` None: they did not answer)."""
        require(actor, "repair.pickup")
        if score is not None and score not in SCORES:
            raise InvalidInput("The rating is one of the three faces.", "score")
        text = clean_text(comment, "comment", max_length=COMMENT_MAX) or ""
        now = self.clock()
        with self.db.writing() as s:
            inc = lookups.incident_by_number(s, number, for_update=True)
            repair = s.execute(select(Repair).where(Repair.incident_id == inc.id)).scalar()
            if repair is None or repair.picked_up_at is None:
                raise InvalidInput(f"{inc.number} has not been picked up: the rating ends a pickup.")
            if repair.pickup_by_id != actor.staff_id:
                raise PermissionDenied("The rating is taken by the counter member who handed the laptop back.")
            if now - repair.picked_up_at > WINDOW:
                raise InvalidInput(f"The rating is taken at the pickup, within {WINDOW.seconds // 60} minutes; "
                                   f"{inc.number} was picked up earlier.")
            if s.execute(select(SatisfactionRating.id).where(SatisfactionRating.incident_id == inc.id)).first():
                raise InvalidInput(f"{inc.number} has its rating already; it is not changed.")
            s.add(SatisfactionRating(incident_id=inc.id, score=score, comment=text, counter_staff_id=actor.staff_id,
                                     technician_id=inc.assignee_id, rated_at=now))
            audit.record(s, actor, now, "incident", inc.id, "satisfaction", None,
                         SCORES[score] if score is not None else "no answer")

    def summary(self, *, weeks: int = 8) -> SatisfactionSummary:
        """The last ``weeks`` weeks up to now (the dashboard)."""
        now = self.clock()
        # Up to and including this instant: a pickup stamped now is in.
        return self.between(now - dt.timedelta(weeks=weeks), now + dt.timedelta(microseconds=1))

    def between(self, since: dt.datetime, until: dt.datetime) -> SatisfactionSummary:
        """Pickups in [since, until) and their ratings (the SLA report's period)."""
        with self.db.reading() as s:
            names = dict(s.execute(select(StaffAccount.id, StaffAccount.display_name)).all())
            pickups = s.execute(select(Repair.incident_id, Repair.pickup_by_id, Incident.assignee_id,
                                       Repair.picked_up_at, Incident.number)
                                .join(Incident, Incident.id == Repair.incident_id)
                                .where(Repair.picked_up_at >= since, Repair.picked_up_at < until)).all()
            ratings = {r.incident_id: r for r in s.execute(select(SatisfactionRating).where(
                SatisfactionRating.rated_at >= since, SatisfactionRating.rated_at < until + WINDOW)).scalars()}
        groups: dict[str, dict[str, list[int]]] = {"counter": defaultdict(list), "tech": defaultdict(list),
                                                   "week": defaultdict(list)}
        everything: list[int] = []
        comments = []
        for incident_id, by, tech, at, number in pickups:
            if at is None:
                continue
            rating = ratings.get(incident_id)
            # -1: picked up, not asked or not answered; the score otherwise.
            value = rating.score if rating is not None and rating.score is not None else -1
            everything.append(value)
            groups["counter"][names.get(by, "—") if by is not None else "—"].append(value)
            groups["tech"][names.get(tech, "—") if tech is not None else "(nobody assigned)"].append(value)
            monday = self.site.local(at).date() - dt.timedelta(days=self.site.local(at).weekday())
            groups["week"][f"week of {monday:%Y-%m-%d}"].append(value)
            if rating is not None and rating.comment:
                comments.append((rating.rated_at, number, rating.score, rating.comment))

        def tally(label: str, values: list[int]) -> Tally:
            return Tally(label, len(values), sum(v > 0 for v in values),
                         values.count(3), values.count(2), values.count(1))

        return SatisfactionSummary(
            since, tally("All", everything),
            tuple(tally(k, v) for k, v in sorted(groups["counter"].items())),
            tuple(tally(k, v) for k, v in sorted(groups["tech"].items())),
            tuple(tally(k, v) for k, v in sorted(groups["week"].items(), reverse=True)),
            tuple(sorted(comments, reverse=True)[:20]))
