""""My team" is read from the team index alone on SQLite (migration 0021): a team's open
tickets in due order without fetching each one from the table to sort it (5.5 ms for a
team of 2,700 open tickets at 1M; 0.3 ms from the covering index)."""
from __future__ import annotations

import pytest

from desk.actor import Actor
from desk.bootstrap import Services
from desk.queue.spec import builtin
from tests.desk.sla.test_at_risk_plan import _statistics_of_a_large_desk


def test_my_team_walks_the_covering_team_index(services: Services, admin: Actor) -> None:
    if services.db.dialect != "sqlite":
        pytest.skip("the plan checked is SQLite's (PostgreSQL plans a test-sized table differently)")
    with services.db.engine.begin() as conn:
        _statistics_of_a_large_desk(conn)
    queue = services.queue
    spec = builtin("my_team").spec
    queue.first_page(spec, admin, 65)                   # compiles the view's walk
    walks = [step for key, steps in queue._walk_plans.items() if spec.filter in key for step in steps]
    assert walks, "the My team walk was not compiled"
    with services.db.engine.connect() as conn:
        for step in walks:
            params = [1] * step.sql.count("?")
            plan = " | ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + step.sql, tuple(params)))
            assert "COVERING INDEX ix_incidents_team_status_due" in plan, plan
