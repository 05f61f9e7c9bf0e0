"""The service catalogue and incident categories."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class Service(Base):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    default_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    # The SLA this service is measured against (tables owned by the SLA engine).
    sla_name: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))


class ServiceCategory(Base):
    """A category offered on a service's tickets: each service keeps its own short list
    (a projector fault is not a category of Payroll); the categories stay one table."""

    __tablename__ = "service_categories"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), primary_key=True)
