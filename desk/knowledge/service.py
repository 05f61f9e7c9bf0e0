"""Knowledge articles: written by technicians, read beside the known errors on a ticket,
searched, printed as a one-page handout; every save kept as a version.

The body is Markdown (headings, lists, **bold**, *italics*): the same text is shown on
screen and printed, and nothing in it is ever run as markup (``desk.knowledge.markdown``
escapes it before formatting).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from db.engine import Database
from db.models import (
    Category,
    Incident,
    KnowledgeArticle,
    KnowledgeArticleVersion,
    Problem,
    Service,
    StaffAccount,
)
from desk.actor import Actor
from desk.clock import Clock
from desk.common import audit, lookups
from desk.common.text import clean_text
from desk.errors import ConflictError, InvalidInput, NotFound
from desk.rules.permissions import require

AUDIENCES = {"staff": "Staff only", "users": "Users"}
TITLE_MAX = 300
BODY_MAX = 100_000


def article_number(article_id: int) -> str:
    return f"KB-{article_id:05d}"


def parse_number(text: str) -> int:
    value = text.strip().upper().removeprefix("KB-").lstrip("0") or "0"
    if not value.isdigit() or int(value) <= 0:
        raise InvalidInput(f"{text!r} is not a knowledge article number (KB-00012, or 12).", "article")
    return int(value)


@dataclass(frozen=True)
class VersionView:
    version: int
    title: str
    saved_at: dt.datetime
    saved_by: str


@dataclass(frozen=True)
class ArticleView:
    id: int
    title: str
    body: str
    audience: str
    service: str | None
    category: str | None
    incident_model: str | None
    problem_number: str | None
    version: int
    updated_at: dt.datetime
    updated_by: str
    history: tuple[VersionView, ...] = ()

    @property
    def number(self) -> str:
        return article_number(self.id)

    @property
    def audience_words(self) -> str:
        return AUDIENCES.get(self.audience, self.audience)


@dataclass(frozen=True)
class ArticleMatch:
    """An article offered on a ticket, and why."""

    number: str
    title: str
    audience: str
    matched_on: str     # "incident model", "known error", "service and category", "service", "category"


class KnowledgeService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # -- writing ---------------------------------------------------------------------------
    def save(self, actor: Actor, *, title: str, body: str, audience: str = "staff", service: str | None = None,
             category: str | None = None, incident_model: str | None = None, problem: str | None = None,
             article: str | None = None, base_version: int | None = None) -> ArticleView:
        """A new article (``article`` None) or a new version of one. ``base_version``: the
        version the editor started from; someone else's save meanwhile is a conflict, not
        a silent overwrite."""
        require(actor, "problem.edit")     # technicians write the knowledge base
        name = clean_text(title, "title", required=True, single_line=True, max_length=TITLE_MAX)
        text = clean_text(body, "article text", required=True, max_length=BODY_MAX)
        if audience not in AUDIENCES:
            raise InvalidInput(f"The audience is staff or users, not {audience!r}.", "audience")
        model = clean_text(incident_model, "incident model", single_line=True, max_length=80) or None
        now = self.clock()
        with self.db.writing() as s:
            service_id = lookups.service_id(s, service) if service else None
            category_id = lookups.category_id(s, category) if category else None
            problem_id = lookups.problem_by_number(s, problem).id if problem else None
            if article is None:
                row = KnowledgeArticle(title=name, body=text, audience=audience, service_id=service_id,
                                       category_id=category_id, incident_model=model, problem_id=problem_id,
                                       created_at=now, created_by_id=actor.staff_id, updated_at=now,
                                       updated_by_id=actor.staff_id)
                s.add(row)
                s.flush()
                audit.record(s, actor, now, "knowledge", row.id, "created", None, name)
            else:
                row = self._row(s, article)
                if base_version is not None and base_version != row.version:
                    raise ConflictError("knowledge", article_number(row.id), base_version, row.version,
                                        {"title": name, "body": text, "audience": audience},
                                        {"title": row.title, "body": row.body, "audience": row.audience})
                for f, value in (("title", name), ("audience", audience), ("service_id", service_id),
                                 ("category_id", category_id), ("incident_model", model), ("problem_id", problem_id)):
                    if getattr(row, f) != value:
                        audit.record(s, actor, now, "knowledge", row.id, f, getattr(row, f), value)
                        setattr(row, f, value)
                if row.body != text:
                    audit.record(s, actor, now, "knowledge", row.id, "body", None, "edited")
                    row.body = text
                row.updated_at, row.updated_by_id = now, actor.staff_id
                s.flush()
            s.add(KnowledgeArticleVersion(article_id=row.id, version=row.version, title=row.title, body=row.body,
                                          audience=row.audience, saved_at=now, saved_by_id=actor.staff_id))
            s.flush()
            return self._view(s, row)

    # -- reading ---------------------------------------------------------------------------
    def get(self, article: str) -> ArticleView:
        with self.db.reading() as s:
            return self._view(s, self._row(s, article), history=True)

    def version(self, article: str, version: int) -> KnowledgeArticleVersion:
        with self.db.reading() as s:
            row = self._row(s, article)
            v = s.execute(select(KnowledgeArticleVersion).where(KnowledgeArticleVersion.article_id == row.id,
                                                                KnowledgeArticleVersion.version == version)).scalar()
            if v is None:
                raise NotFound(f"{article_number(row.id)} has no version {version}.")
            s.expunge(v)
            return v

    def search(self, text: str = "", *, audience: str | None = None, limit: int = 50) -> list[ArticleView]:
        """Articles whose title or text hold every word of ``text`` (any order, any case),
        titles first; everything, newest first, for no words."""
        words = [w for w in text.lower().split() if w][:10]
        with self.db.reading() as s:
            stmt = select(KnowledgeArticle)
            if words:
                haystack = func.lower(KnowledgeArticle.title + " " + KnowledgeArticle.body)
                stmt = stmt.where(and_(*[haystack.contains(w, autoescape=True) for w in words]))
                in_title = and_(*[func.lower(KnowledgeArticle.title).contains(w, autoescape=True) for w in words])
                stmt = stmt.order_by(in_title.desc(), KnowledgeArticle.updated_at.desc())
            else:
                stmt = stmt.order_by(KnowledgeArticle.updated_at.desc())
            if audience is not None:
                stmt = stmt.where(KnowledgeArticle.audience == audience)
            return [self._view(s, r) for r in s.execute(stmt.limit(limit)).scalars()]

    # -- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _row(s: Session, article: str) -> KnowledgeArticle:
        row = s.get(KnowledgeArticle, parse_number(article))
        if row is None:
            raise NotFound(f"No knowledge article {article!r}.")
        return row

    @staticmethod
    def _view(s: Session, row: KnowledgeArticle, *, history: bool = False) -> ArticleView:
        service = s.get(Service, row.service_id) if row.service_id else None
        category = s.get(Category, row.category_id) if row.category_id else None
        problem = s.get(Problem, row.problem_id) if row.problem_id else None
        by = s.get(StaffAccount, row.updated_by_id) if row.updated_by_id else None
        versions: tuple[VersionView, ...] = ()
        if history:
            staff = aliased(StaffAccount)
            versions = tuple(VersionView(v, t, at, name or "—") for v, t, at, name in s.execute(
                select(KnowledgeArticleVersion.version, KnowledgeArticleVersion.title, KnowledgeArticleVersion.saved_at,
                       staff.display_name).outerjoin(staff, staff.id == KnowledgeArticleVersion.saved_by_id)
                .where(KnowledgeArticleVersion.article_id == row.id).order_by(KnowledgeArticleVersion.version.desc())))
        return ArticleView(row.id, row.title, row.body, row.audience, service.name if service else None,
                           category.name if category else None, row.incident_model,
                           problem.number if problem else None, row.version, row.updated_at,
                           by.display_name if by else "—", versions)


def articles_matching(s: Session, inc: Incident, model: str | None) -> tuple[ArticleMatch, ...]:
    """The articles for a ticket, inside the caller's unit of work: its incident model's,
    its known error's, then its service's and category's (a different category contradicts)."""
    conditions = []
    if model:
        conditions.append(KnowledgeArticle.incident_model == model)
    if inc.problem_id is not None:
        conditions.append(KnowledgeArticle.problem_id == inc.problem_id)
    if inc.service_id is not None:
        same = KnowledgeArticle.service_id == inc.service_id
        if inc.category_id is not None:
            same = and_(same, or_(KnowledgeArticle.category_id.is_(None), KnowledgeArticle.category_id == inc.category_id))
        conditions.append(same)
    if inc.category_id is not None:
        conditions.append(KnowledgeArticle.category_id == inc.category_id)
    if not conditions:
        return ()
    rows = s.execute(select(KnowledgeArticle).where(or_(*conditions))
                     .order_by(KnowledgeArticle.updated_at.desc()).limit(20)).scalars()
    out = []
    for a in rows:
        if model and a.incident_model == model:
            why = "incident model"
        elif inc.problem_id is not None and a.problem_id == inc.problem_id:
            why = "known error"
        elif (inc.service_id is not None and a.service_id == inc.service_id and inc.category_id is not None
              and a.category_id == inc.category_id):
            why = "service and category"
        elif a.service_id == inc.service_id and inc.service_id is not None:
            why = "service"
        else:
            why = "category"
        out.append(ArticleMatch(article_number(a.id), a.title, a.audience, why))
    order = ["incident model", "known error", "service and category", "service", "category"]
    return tuple(sorted(out, key=lambda m: order.index(m.matched_on)))
