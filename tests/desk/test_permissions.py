"""may() is the yes/no form of the one rule that require() enforces."""
from __future__ import annotations

import pytest

from db.enums import Role
from desk.actor import Actor
from desk.errors import PermissionDenied
from desk.rules.permissions import ACTIONS, may, require


@pytest.mark.parametrize("role", list(Role))
def test_may_answers_what_require_enforces(role: Role) -> None:
    actor = Actor(1, "pat", "Pat", frozenset({role}))
    for action in ACTIONS:
        try:
            require(actor, action)
        except PermissionDenied:
            assert not may(actor, action), action
        else:
            assert may(actor, action), action
    assert may(actor, "incident.open")
    assert may(actor, "staff.manage") == (role is Role.ADMIN)


@pytest.mark.parametrize(("roles", "only"), [
    ({Role.COUNTER}, True), ({Role.COUNTER, Role.TECHNICIAN}, False), ({Role.TECHNICIAN}, False),
    ({Role.SUPERVISOR}, False), ({Role.ADMIN}, False)])
def test_counter_only_means_the_counter_and_nothing_more(roles: set[Role], only: bool) -> None:
    assert Actor(1, "x", "X", frozenset(roles)).counter_only is only
