"""A technician's workstation hears of an SLA alert: the desktop notification (or the toast
while Desk is in front), the bell's count and list, the ticket's timeline; and the alert
job's thread records it at the instant."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtCore import Qt

from desk.actor import Actor
from desk.bootstrap import Services
from desk.incidents.service import NewIncident
from ui.context import DeskContext
from ui.notifications import NotificationCentre
from ui.sla_watch import SlaWatch

# The offscreen platform's note when a status-bar widget changes the window's size hints.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


class FakeDesktop:
    """Stands in for the notification server (none answers offscreen)."""

    available = "freedesktop"

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def show(self, title: str, body: str) -> bool:
        self.shown.append((title, body))
        return True


@pytest.fixture
def at_risk(services: Services, admin: Actor, clock) -> str:  # type: ignore[no-untyped-def]
    """A P2 ticket of the signed-in technician, 75 % of its 30-minute response used."""
    clock.set(dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC))       # Monday 09:00 in New York
    number = services.incidents.open(admin, NewIncident(
        title="Lab printer offline", service="Printing", impact="medium", urgency="high",
        team="Desktop Support", assignee=admin.username)).number
    clock.advance(minutes=23)
    return number


def test_the_watch_records_the_alert_and_the_technician_is_told_on_the_desktop(
        qtbot, window, ctx: DeskContext, services: Services, admin: Actor, at_risk: str,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    watch = SlaWatch(services, admin, parent=window)
    watch.start = lambda: None        # type: ignore[method-assign]   # ticked by hand below
    from desk.escalation.lease import TableLease
    from desk.escalation.watch import AlertWatch

    watch._watch = AlertWatch(services.escalation, admin, TableLease(services.db, "this one", clock=services.clock),
                              services.clock)
    states: list[str] = []
    watch.state_changed.connect(states.append)
    waits: list[float] = []
    with qtbot.waitSignal(watch.recorded) as got:
        # On a thread of its own, as the app runs it (never SQL on the GUI thread).
        t = threading.Thread(target=lambda: waits.append(watch.run_once()))
        t.start()
        t.join(30)
    qtbot.waitUntil(lambda: states == ["SLA alerts: watched here"])
    assert got.args[0]
    assert 1.0 <= waits[0] <= 30.0     # until the breach at 09:30, at most the stand-by interval

    desktop = FakeDesktop()
    monkeypatch.setattr(window, "isActiveWindow", lambda: False)     # Desk is behind another window
    centre = NotificationCentre(window, ctx, desktop=desktop)
    qtbot.waitUntil(lambda: desktop.shown != [])
    title, body = desktop.shown[0]
    assert title == f"{at_risk} response at risk"
    assert "Lab printer offline" in body and "30m response target" in body
    assert centre.button.text() == "1"
    # A second look shows nothing new: each notification is put up once.
    centre.poll()
    assert len(desktop.shown) == 1

    # From the bell: the ticket opens, the notification is read.
    items = [a for a in centre.menu.actions() if a.text().startswith(at_risk)]
    assert len(items) == 1
    items[0].trigger()
    assert window.tabs.current_ticket().number == at_risk
    assert centre.button.text() == "" and services.escalation.unread_count(admin) == 0
    page = window.tabs.current_ticket()
    texts = [page.timeline.list.item(i).text() for i in range(page.timeline.list.count())]
    assert any("SLA alert: response at risk" in t and "Told" in t for t in texts)


def test_while_desk_is_in_front_the_notification_is_a_toast_that_opens_the_ticket(
        qtbot, window, ctx: DeskContext, services: Services, admin: Actor, at_risk: str,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    t = threading.Thread(target=lambda: services.escalation.run(admin, holder="test"))
    t.start()
    t.join(30)
    desktop = FakeDesktop()
    monkeypatch.setattr(window, "isActiveWindow", lambda: True)
    centre = NotificationCentre(window, ctx, desktop=desktop)
    qtbot.waitUntil(lambda: centre.toasts != [])
    assert desktop.shown == []
    toast = centre.toasts[0]
    assert toast.isVisible() and toast.geometry().right() <= window.width()
    qtbot.mouseClick(toast, Qt.MouseButton.LeftButton)
    assert window.tabs.current_ticket().number == at_risk
    assert not toast.isVisible()


def test_counter_only_workstations_never_take_the_job(services: Services, admin: Actor) -> None:
    from db.enums import Role
    from tests import factories

    counter = factories.staff(services, admin, "cara", Role.COUNTER)
    watch = SlaWatch(services, counter)
    watch.start()
    assert not watch.enabled and watch._thread is None
    watch.stop()


def test_the_bell_counts_every_unread_notification_not_only_those_it_lists(
        qtbot, window, ctx: DeskContext, services: Services, admin: Actor, clock) -> None:  # type: ignore[no-untyped-def]
    """The list under the bell is the latest 30; its count is all the unread ones."""
    from db.models import Incident, SlaAlert, StaffNotification

    clock.set(dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC))
    numbers = [services.incidents.open(admin, NewIncident(
        title=f"Printer {i}", service="Printing", impact="medium", urgency="high", team="Desktop Support",
        assignee=admin.username)).number for i in range(9)]
    now = clock()
    with services.db.writing() as s:
        ids = [s.query(Incident.id).filter(Incident.number == n).scalar() for n in numbers]
        for iid in ids:
            for target in ("response", "resolution"):
                for level in ("at_risk", "breach"):
                    alert = SlaAlert(incident_id=iid, target=target, level=level, reached_at=now, priority="P2",
                                     recorded_at=now, recorded_by="test", actions="told")
                    s.add(alert)
                    s.flush()
                    s.add(StaffNotification(staff_id=admin.staff_id, incident_id=iid, alert_id=alert.id,
                                            reason="assignee", title=f"#{alert.id}", body="", created_at=now,
                                            shown_at=now))
    assert services.escalation.unread_count(admin) == 36
    centre = NotificationCentre(window, ctx, desktop=FakeDesktop())
    qtbot.waitUntil(lambda: centre.button.text() != "")
    assert centre.button.text() == "36"
    assert "36 unread" in centre.button.toolTip()


def test_many_toasts_at_once_stay_inside_a_small_window(
        qtbot, window, ctx: DeskContext, services: Services, admin: Actor, clock,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A first look after a while may bring up to twenty: those that do not fit are not
    put off the top of the window (where no one sees them), the newest stay; all are
    under the bell."""
    from db.models import Incident, SlaAlert, StaffNotification

    clock.set(dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC))
    numbers = [services.incidents.open(admin, NewIncident(
        title=f"Printer {i}", service="Printing", impact="medium", urgency="high", team="Desktop Support",
        assignee=admin.username)).number for i in range(3)]
    now = clock()
    with services.db.writing() as s:
        for n in numbers:
            iid = s.query(Incident.id).filter(Incident.number == n).scalar()
            for target in ("response", "resolution"):
                for level in ("at_risk", "breach"):
                    alert = SlaAlert(incident_id=iid, target=target, level=level, reached_at=now, priority="P2",
                                     recorded_at=now, recorded_by="test", actions="told")
                    s.add(alert)
                    s.flush()
                    s.add(StaffNotification(staff_id=admin.staff_id, incident_id=iid, alert_id=alert.id,
                                            reason="assignee", title=f"{n} {target} {level}",
                                            body="Printer offline\nP2: 75 % or more of the 30m response target used",
                                            created_at=now))
    window.resize(900, 520)
    monkeypatch.setattr(window, "isActiveWindow", lambda: True)
    centre = NotificationCentre(window, ctx, desktop=FakeDesktop())
    qtbot.waitUntil(lambda: len(centre.shown) == 12)
    visible = [t for t in centre.toasts if t.isVisible()]
    assert visible, "the newest toast is up"
    assert all(t.geometry().top() >= 0 and t.geometry().bottom() <= window.height() for t in visible)
    assert centre.button.text() == "12"


def test_mark_all_read_leaves_what_arrived_after_the_list_and_toasts_follow_a_resize(
        qtbot, window, ctx: DeskContext, services: Services, admin: Actor, at_risk: str, clock,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    def run() -> None:
        t = threading.Thread(target=lambda: services.escalation.run(admin, holder="test"))
        t.start()
        t.join(30)

    run()
    monkeypatch.setattr(window, "isActiveWindow", lambda: True)
    centre = NotificationCentre(window, ctx, desktop=FakeDesktop())
    qtbot.waitUntil(lambda: centre.unread_total == 1 and centre.toasts != [])
    # A breach arrives while the list still shows the at-risk one only.
    clock.advance(minutes=10)
    run()
    assert services.escalation.unread_count(admin) == 2
    centre.mark_all_read()
    qtbot.waitUntil(lambda: services.escalation.unread_count(admin) == 1)
    (left,) = services.escalation.notifications(admin)
    assert left.title == f"{at_risk} response target breached"

    toast = next(t for t in centre.toasts if t.isVisible())
    window.resize(window.width() - 200, window.height() - 100)
    qtbot.waitUntil(lambda: toast.geometry().right() <= window.width() - 16)
    assert toast.geometry().bottom() <= window.height()
