"""The surge rule on both engines: the default (10 in 30 min) is data, a person confirms."""
from __future__ import annotations

import pytest

from desk.bootstrap import Services
from desk.errors import NotFound, PermissionDenied
from desk.major.service import MajorIncidentService
from desk.major.surge import _surge_start
from tests.desk.major.conftest import Crew, open_incident


def test_window_arithmetic() -> None:
    import datetime as dt

    t0 = dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)
    times = [t0 + dt.timedelta(minutes=m) for m in (0, 40, 45, 50, 69, 71)]
    w = dt.timedelta(minutes=30)
    assert _surge_start(times, 4, w) == 1       # 14:40..15:09 holds four
    assert _surge_start(times, 5, w) is None     # 14:40..15:11 is 31 minutes
    assert _surge_start(times[:1], 1, w) == 0


def test_ten_in_thirty_minutes_is_proposed_and_confirmed(services: Services, crew: Crew,
                                                         major: MajorIncidentService, clock) -> None:  # type: ignore[no-untyped-def]
    numbers = []
    for i in range(9):
        numbers.append(open_incident(services, crew.clerk, f"Cannot join Wi-Fi ({i})"))
        clock.advance(minutes=3)
    open_incident(services, crew.clerk, "Printer offline", service="Printing")
    assert major.proposals() == []                       # nine on Wi-Fi: below the default rule
    numbers.append(open_incident(services, crew.clerk, "Cannot join Wi-Fi (9)"))
    (p,) = major.proposals()
    assert (p.kind, p.service, p.count, p.threshold, p.window_minutes) == ("open", "Wi-Fi & Network", 10, 10, 30)
    assert p.incidents == tuple(numbers)

    with pytest.raises(PermissionDenied):
        major.confirm_proposal(crew.tech, "Wi-Fi & Network")
    out = major.confirm_proposal(crew.supervisor, "Wi-Fi & Network", manager="tina")
    assert out.major.number == numbers[0] and out.major.is_major and out.major.manager == "Tina"
    assert out.linked == tuple(numbers[1:])
    assert "surge: 10 incidents on Wi-Fi & Network" in out.major.comms[0].body
    assert major.proposals() == []

    # Incidents that keep coming in during the outage are proposed for linking, in bulk.
    clock.advance(minutes=10)
    late = [open_incident(services, crew.clerk, f"Still no Wi-Fi ({i})") for i in range(2)]
    (link,) = major.proposals()
    assert (link.kind, link.major_number, link.incidents) == ("link", numbers[0], tuple(late))
    out = major.confirm_proposal(crew.supervisor, "Wi-Fi & Network")
    assert out.linked == tuple(late) and len(out.major.children) == 11
    with pytest.raises(NotFound):
        major.confirm_proposal(crew.supervisor, "Wi-Fi & Network")


def test_the_rule_is_data_per_service(services: Services, crew: Crew, major: MajorIncidentService, clock) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        major.set_rule(crew.tech, service="Printing", surge_threshold=3)
    rule = major.set_rule(crew.supervisor, service="Printing", surge_threshold=3, surge_window_minutes=10)
    assert (rule.surge_threshold, rule.surge_window_minutes, rule.update_interval_minutes) == (3, 10, 30)
    for i in range(3):
        open_incident(services, crew.clerk, f"Printer {i}", service="Printing")
        clock.advance(minutes=6)                          # 0, 6, 12 min: not within 10
    assert major.proposals() == []
    open_incident(services, crew.clerk, "Printer 3", service="Printing")   # at 18 min
    open_incident(services, crew.clerk, "Printer 4", service="Printing")   # 12, 18, 18: three within 10
    (p,) = major.proposals()
    assert p.service == "Printing" and p.threshold == 3 and p.count == 3
    # The default rule still governs other services.
    assert [r.surge_threshold for r in major.rules() if r.service is None] == [10]
    major.set_rule(crew.supervisor, update_interval_minutes=15)
    m = open_incident(services, crew.clerk, "Campus VPN down", service="Research Computing")
    v = major.promote(crew.supervisor, m, reason="VPN")
    assert (v.next_update_due_at - clock.now).total_seconds() == 15 * 60


def test_dismissed_surges_and_unlinked_incidents_stay_away(services: Services, crew: Crew,
                                                           major: MajorIncidentService, clock) -> None:  # type: ignore[no-untyped-def]
    major.set_rule(crew.supervisor, service="Accounts & Passwords", surge_threshold=3, surge_window_minutes=30)
    for i in range(3):
        open_incident(services, crew.clerk, f"Password reset {i}", service="Accounts & Passwords")
        clock.advance(minutes=1)
    assert [p.service for p in major.proposals()] == ["Accounts & Passwords"]
    with pytest.raises(PermissionDenied):
        major.dismiss_proposal(crew.tech, "Accounts & Passwords", reason="first day of term")
    major.dismiss_proposal(crew.supervisor, "Accounts & Passwords", reason="First day of term")
    assert major.proposals() == []
    open_incident(services, crew.clerk, "Password reset 3", service="Accounts & Passwords")
    assert major.proposals() == []                        # one new incident is no surge
    for i in range(2):
        open_incident(services, crew.clerk, f"Password reset {4 + i}", service="Accounts & Passwords")
    (p,) = major.proposals()                              # three new ones are
    assert p.count == 3

    m = open_incident(services, crew.tech, "Wi-Fi controller down")
    major.promote(crew.supervisor, m, reason="outage")
    stray = open_incident(services, crew.clerk, "Wi-Fi slow in dorm")
    assert [x.incidents for x in major.proposals() if x.kind == "link"] == [(stray,)]
    major.link_children(crew.tech, m, [stray])
    major.unlink_child(crew.tech, m, stray)               # not part of the outage after all
    assert [x for x in major.proposals() if x.kind == "link"] == []
