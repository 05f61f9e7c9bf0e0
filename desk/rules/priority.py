"""Priority = impact × urgency, with the published VIP policy applied to urgency.

This is the only place priority is derived; every caller gets the explanation too.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db.enums import Impact, Priority, Urgency
from desk.rules import labels

MATRIX: dict[tuple[Impact, Urgency], Priority] = {
    (Impact.HIGH, Urgency.HIGH): Priority.P1,
    (Impact.HIGH, Urgency.MEDIUM): Priority.P2,
    (Impact.HIGH, Urgency.LOW): Priority.P3,
    (Impact.MEDIUM, Urgency.HIGH): Priority.P2,
    (Impact.MEDIUM, Urgency.MEDIUM): Priority.P3,
    (Impact.MEDIUM, Urgency.LOW): Priority.P4,
    (Impact.LOW, Urgency.HIGH): Priority.P3,
    (Impact.LOW, Urgency.MEDIUM): Priority.P4,
    (Impact.LOW, Urgency.LOW): Priority.P5,
}

URGENCY_ORDER = [Urgency.LOW, Urgency.MEDIUM, Urgency.HIGH]


@dataclass(frozen=True)
class VipPolicyRef:
    """The policy version in force when the ticket's priority was derived."""

    id: int
    version: int
    published_at: dt.datetime
    urgency_levels_raised: int = 1


@dataclass(frozen=True)
class PriorityResult:
    priority: Priority
    impact: Impact
    reported_urgency: Urgency
    effective_urgency: Urgency
    vip_policy: VipPolicyRef | None
    explanation: str

    @property
    def label(self) -> str:
        return labels.priority(self.priority)


def matrix_priority(impact: Impact, urgency: Urgency) -> Priority:
    return MATRIX[(impact, urgency)]


def raise_urgency(urgency: Urgency, levels: int) -> Urgency:
    index = min(URGENCY_ORDER.index(urgency) + max(levels, 0), len(URGENCY_ORDER) - 1)
    return URGENCY_ORDER[index]


def derive_priority(
    impact: Impact, urgency: Urgency, vip_policy: VipPolicyRef | None = None
) -> PriorityResult:
    """Derive priority; ``vip_policy`` is given only when the caller holds VIP status.

    Impact is never changed by the VIP policy; urgency is raised by the policy's levels
    (capped at High). The explanation names the policy version when it changed anything.
    """
    effective = urgency
    applied: VipPolicyRef | None = None
    if vip_policy is not None:
        effective = raise_urgency(urgency, vip_policy.urgency_levels_raised)
        if effective != urgency:
            applied = vip_policy
    priority = MATRIX[(impact, effective)]
    text = (
        f"{labels.priority(priority)} — {labels.impact(impact)} impact × "
        f"{labels.urgency(effective)} urgency"
    )
    if applied is not None:
        text += (
            f" (raised from {labels.urgency(urgency)} by VIP policy v{applied.version}, "
            f"published {applied.published_at.date().isoformat()})"
        )
    elif vip_policy is not None:
        text += (
            f" (VIP caller; urgency already High, VIP policy v{vip_policy.version} changed nothing)"
        )
    return PriorityResult(priority, impact, urgency, effective, applied, text)
