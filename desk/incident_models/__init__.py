"""Incident models: the pre-defined handling of recurring incidents, kept as data."""
from desk.incident_models.service import IncidentModelService, ModelSpec, ModelView, TaskTemplate

__all__ = ["IncidentModelService", "ModelSpec", "ModelView", "TaskTemplate"]
