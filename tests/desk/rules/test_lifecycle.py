"""Incident lifecycle rules (reference: New → Assigned → In progress → Resolved → Closed)."""
from __future__ import annotations

from db.enums import IncidentStatus as S
from desk.rules import lifecycle


def test_closed_and_cancelled_are_final() -> None:
    assert lifecycle.allowed_incident_transitions(S.CLOSED) == ()
    assert lifecycle.allowed_incident_transitions(S.CANCELLED) == ()


def test_pending_reachable_from_assigned_and_in_progress_and_back() -> None:
    for pending in lifecycle.PENDING:
        assert pending in lifecycle.allowed_incident_transitions(S.ASSIGNED)
        assert pending in lifecycle.allowed_incident_transitions(S.IN_PROGRESS)
        assert S.IN_PROGRESS in lifecycle.allowed_incident_transitions(pending)
        assert pending not in lifecycle.allowed_incident_transitions(S.NEW)


def test_cancel_only_from_new_or_assigned() -> None:
    for status in S:
        can_cancel = S.CANCELLED in lifecycle.allowed_incident_transitions(status)
        assert can_cancel == (status in (S.NEW, S.ASSIGNED)), status


def test_reasons_required_for_reopen_and_cancel() -> None:
    assert lifecycle.reason_required(S.RESOLVED, S.IN_PROGRESS) == "reopening"
    assert lifecycle.reason_required(S.NEW, S.CANCELLED) == "cancelling"
    assert lifecycle.reason_required(S.ASSIGNED, S.IN_PROGRESS) is None
