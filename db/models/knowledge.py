"""Knowledge articles: how-tos and workarounds staff (and, where published so, users) read;
each change kept as a version."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class KnowledgeArticle(Base):
    __tablename__ = "knowledge_articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    # Markdown (headings, lists, bold, italics, links): what the editor and the handout read.
    body: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(10), default="staff")     # staff, users
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    # What it helps with: an incident model (by name) and a known error (a problem record).
    incident_model: Mapped[str | None] = mapped_column(String(80))
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problems.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint("audience IN ('staff', 'users')", name="audience"),)


class KnowledgeArticleVersion(Base):
    """An article as it was after each save: its history."""

    __tablename__ = "knowledge_article_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(10))
    saved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))

    __table_args__ = (UniqueConstraint("article_id", "version", name="one_per_version"),)
