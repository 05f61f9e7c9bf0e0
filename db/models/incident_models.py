"""Incident models: the standard handling of a recurring kind of incident, as data."""
from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base
from db.enums import Channel, Impact, Urgency
from db.models._columns import enum_column


class IncidentModel(Base):
    __tablename__ = "incident_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    impact: Mapped[Impact] = mapped_column(enum_column(Impact, "model_impact"))
    urgency: Mapped[Urgency] = mapped_column(enum_column(Urgency, "model_urgency"))
    channel: Mapped[Channel | None] = mapped_column(enum_column(Channel, "model_channel"))
    required_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Name of an SLA that replaces the service's SLA for tickets of this model.
    sla_override: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    tasks: Mapped[list[IncidentModelTask]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="IncidentModelTask.position"
    )
    __mapper_args__ = {"version_id_col": version}


class IncidentModelTask(Base):
    __tablename__ = "incident_model_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(
        ForeignKey("incident_models.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    condition: Mapped[str | None] = mapped_column(String(200))
