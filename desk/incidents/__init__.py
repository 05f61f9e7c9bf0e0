"""Incidents: opening, editing, the lifecycle, assignment, reading them back, auto-close."""
