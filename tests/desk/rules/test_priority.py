"""The priority matrix and the VIP rule, stated once and explained."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.enums import Impact, Priority, Urgency
from desk.rules.priority import VipPolicyRef, derive_priority

POLICY = VipPolicyRef(id=1, version=1, published_at=dt.datetime(2026, 8, 1, 12, tzinfo=dt.UTC))

MATRIX = {
    ("high", "high"): "P1", ("high", "medium"): "P2", ("high", "low"): "P3",
    ("medium", "high"): "P2", ("medium", "medium"): "P3", ("medium", "low"): "P4",
    ("low", "high"): "P3", ("low", "medium"): "P4", ("low", "low"): "P5",
}


@pytest.mark.parametrize(("impact", "urgency"), list(MATRIX))
def test_matrix_matches_reference(impact: str, urgency: str) -> None:
    r = derive_priority(Impact(impact), Urgency(urgency))
    assert r.priority.value == MATRIX[(impact, urgency)]
    assert r.vip_policy is None
    assert r.explanation.startswith(f"{MATRIX[(impact, urgency)]} ")


def test_reference_example_explanation() -> None:
    r = derive_priority(Impact.MEDIUM, Urgency.MEDIUM, POLICY)
    assert r.explanation == ("P2 High — Medium impact × High urgency "
                             "(raised from Medium by VIP policy v1, published 2026-08-01)")


@given(st.sampled_from(list(Impact)), st.sampled_from(list(Urgency)))
def test_vip_never_changes_impact_and_never_lowers_priority(impact: Impact, urgency: Urgency) -> None:
    plain = derive_priority(impact, urgency)
    vip = derive_priority(impact, urgency, POLICY)
    assert vip.impact is impact
    order = list(Priority)
    assert order.index(vip.priority) <= order.index(plain.priority)
    # At most one urgency level: never more than one priority step from the plain result.
    assert order.index(plain.priority) - order.index(vip.priority) <= 1
    if urgency is Urgency.HIGH:
        assert vip.priority is plain.priority and vip.vip_policy is None
        assert "changed nothing" in vip.explanation
    else:
        assert "VIP policy v1" in vip.explanation and vip.vip_policy == POLICY
