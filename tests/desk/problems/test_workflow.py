"""Problem records for the workstation: list and paging in SQL, versioned edits, links,
problems opened from an incident, and known errors offered on matching incidents."""
from __future__ import annotations

import pytest

from db.enums import ProblemStatus
from desk.actor import Actor
from desk.bootstrap import Services
from desk.errors import ConflictError, IllegalTransition, InvalidInput
from desk.incidents.service import NewIncident
from desk.problems.listing import ProblemQuery
from desk.problems.service import problem_transitions
from tests import factories
from tests.conftest import FakeClock


def test_list_counts_sorts_and_filters_in_sql(services: Services, admin: Actor, clock: FakeClock) -> None:
    incs = [services.incidents.open(admin, NewIncident(title=f"wifi {i}", service="Wi-Fi & Network")).number
            for i in range(3)]
    a = services.problems.open(admin, title="RADIUS certificate expired", service="Wi-Fi & Network",
                               incidents=tuple(incs))
    clock.advance(minutes=5)
    b = services.problems.open(admin, title="Toner low alerts lost", service="Printing", team="Service Desk")
    clock.advance(minutes=5)
    c = services.problems.open(admin, title="Old closed thing")
    for target in ("investigating", "resolved", "closed"):
        services.problems.transition(admin, c.number, target)

    assert services.problems.count() == 2
    assert services.problems.count(ProblemQuery(scope="all")) == 3
    rows = services.problems.page(ProblemQuery(scope="all"))
    assert [r.number for r in rows] == [c.number, b.number, a.number]          # updated, newest first
    assert rows[2].incidents == 3 and rows[2].service == "Wi-Fi & Network" and rows[1].team == "Service Desk"
    by_links = services.problems.page(ProblemQuery(sort="incidents", descending=True))
    assert by_links[0].number == a.number
    by_team = services.problems.page(ProblemQuery(scope="all", sort="team"))
    assert by_team[0].number == b.number                                       # NULL teams last
    assert [r.number for r in services.problems.page(ProblemQuery(scope="all", sort="number"), 1, 1)] == [b.number]
    assert [r.number for r in services.problems.page(ProblemQuery(search="radius cert"))] == [a.number]
    assert services.problems.count(ProblemQuery(search=a.number.lower())) == 1
    with pytest.raises(InvalidInput, match="sorts by"):
        ProblemQuery(sort="priority")


def test_edits_are_versioned_and_conflicts_overwrite_nothing(services: Services, admin: Actor) -> None:
    p = services.problems.open(admin, title="Lab printers offline", service="Printing")
    d = services.problems.detail(p.number)
    assert d.editable()["service"] == "Printing" and d.problem.version == p.version
    v = services.problems.update(admin, p.number, p.version, {"root_cause": "Print server patch",
                                                              "assignee": admin.username})
    assert v.root_cause == "Print server patch" and v.version > p.version
    with pytest.raises(ConflictError) as err:
        services.problems.update(admin, p.number, p.version, {"root_cause": "Something else"})
    assert err.value.theirs["root_cause"] == "Print server patch" and err.value.current_version == v.version
    assert services.problems.get(p.number).root_cause == "Print server patch"
    with pytest.raises(ConflictError):
        services.problems.transition(admin, p.number, "investigating", base_version=p.version)
    v = services.problems.transition(admin, p.number, "investigating", base_version=v.version)
    assert v.status == "investigating"
    with pytest.raises(InvalidInput, match="cannot be edited here"):
        services.problems.update(admin, p.number, v.version, {"status": "closed"})


def test_transitions_follow_the_lifecycle_and_known_error_needs_both(services: Services, admin: Actor) -> None:
    options = {o.status: o for o in problem_transitions(ProblemStatus.NEW)}
    assert [s for s, o in options.items() if o.allowed] == ["investigating"]
    assert "allowed: Investigating" in (options["closed"].why_not or "")
    p = services.problems.open(admin, title="VPN drops")
    with pytest.raises(IllegalTransition):
        services.problems.transition(admin, p.number, "known_error")
    services.problems.transition(admin, p.number, "investigating")
    with pytest.raises(InvalidInput, match="root cause and a workaround"):
        services.problems.transition(admin, p.number, "known_error", root_cause="MTU")
    with pytest.raises(InvalidInput, match="root cause and a workaround"):
        # the failed attempt's root cause was rolled back with it, so it is still missing
        services.problems.transition(admin, p.number, "known_error", workaround="Use the web VPN")
    v = services.problems.transition(admin, p.number, "known_error", root_cause="MTU", workaround="Use the web VPN")
    assert v.status == "known_error" and v.root_cause == "MTU"
    with pytest.raises(InvalidInput, match="keep its root cause and workaround"):
        services.problems.update(admin, p.number, v.version, {"workaround": ""})


def test_link_unlink_and_open_from_incident(services: Services, admin: Actor) -> None:
    inc = services.incidents.open(admin, NewIncident(title="Eduroam auth fails", service="Wi-Fi & Network",
                                                     category="Eduroam", team="Service Desk"))
    other = services.incidents.open(admin, NewIncident(title="Eduroam again"))
    p = services.problems.open_from_incident(admin, inc.number)
    d = services.problems.detail(p.number)
    assert d.problem.title == "Eduroam auth fails" and d.category == "Eduroam" and d.problem.team == "Service Desk"
    assert [i.number for i in d.incidents] == [inc.number]
    assert services.incidents.get(inc.number).problem_number == p.number
    v = services.problems.link(admin, p.number, other.number)
    assert set(v.incident_numbers) == {inc.number, other.number} and v.version > d.problem.version
    v = services.problems.unlink(admin, p.number, inc.number)
    assert v.incident_numbers == (other.number,)
    assert services.incidents.get(inc.number).problem_number is None
    with pytest.raises(InvalidInput, match="is not linked"):
        services.problems.unlink(admin, p.number, inc.number)


def test_known_errors_match_on_service_and_category(services: Services, admin: Actor) -> None:
    wifi = "Wi-Fi & Network"
    both = factories.problem(services, admin, "Eduroam cert", status="known_error", service=wifi, category="Eduroam",
                             workaround="Reinstall the profile").number
    svc_only = factories.problem(services, admin, "AP firmware", status="known_error", service=wifi).number
    # Known errors of another category, of another service, and a problem not yet known.
    factories.problem(services, admin, "Guest portal", status="known_error", service=wifi, category="Guest Wi-Fi")
    factories.problem(services, admin, "Printer driver", status="known_error", service="Printing")
    factories.problem(services, admin, "Not yet known", status="investigating", service=wifi)

    inc = services.incidents.open(admin, NewIncident(title="Cannot join eduroam", service="Wi-Fi & Network",
                                                     category="Eduroam"))
    matches = services.problems.known_errors_for(inc.number)
    assert [(m.number, m.matched_on) for m in matches] == [(both, "service and category"), (svc_only, "service")]
    assert matches[0].workaround == "Reinstall the profile" and not matches[0].linked
    services.incidents.link_problem(admin, inc.number, both)
    assert services.problems.known_errors_for(inc.number)[0].linked
    bare = services.incidents.open(admin, NewIncident(title="Something"))
    assert services.problems.known_errors_for(bare.number) == ()
