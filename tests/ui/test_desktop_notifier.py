"""The desktop notification really goes over D-Bus: a private session bus (dbus-daemon)
with a small notification server of our own that records what it is sent, typed as the
freedesktop specification says (a server refuses a wrongly typed Notify)."""
from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator

import pytest

from ui.notifications import DesktopNotifier

pytestmark = pytest.mark.skipif(shutil.which("dbus-daemon") is None,
                                reason="no dbus-daemon (sudo apt-get install -y dbus-daemon)")
NAME = "org.freedesktop.Notifications"


class NotificationServer:
    """Owns org.freedesktop.Notifications on the bus and answers as a desktop would."""

    def __init__(self, address: str) -> None:
        from jeepney import HeaderFields, MessageType, message_bus, new_method_return
        from jeepney.io.blocking import open_dbus_connection

        self.received: list[tuple[str, tuple[object, ...]]] = []
        self._conn = open_dbus_connection(bus=address)
        self._conn.send_and_get_reply(message_bus.RequestName(NAME))
        self._types = (HeaderFields, MessageType, new_method_return)
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        fields, kinds, reply = self._types
        while not self._stop:
            try:
                msg = self._conn.receive(timeout=0.2)
            except TimeoutError:
                continue
            except Exception:   # noqa: BLE001 - the bus went away at the end of the test
                return
            if msg.header.message_type is not kinds.method_call:
                continue
            member = msg.header.fields.get(fields.member)
            signature = msg.header.fields.get(fields.signature, "")
            self.received.append((f"{member}({signature})", msg.body))
            if member == "GetServerInformation":
                self._conn.send(reply(msg, "ssss", ("test-server", "Desk tests", "1", "1.2")))
            elif member == "Notify":
                self._conn.send(reply(msg, "u", (len(self.received),)))

    def close(self) -> None:
        self._stop = True
        self.thread.join(2)
        self._conn.close()


@pytest.fixture
def session_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[NotificationServer]:
    proc = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        address = proc.stdout.readline().strip()
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        server = NotificationServer(address)
        yield server
        server.close()
    finally:
        proc.terminate()
        proc.wait(5)


def test_a_notification_reaches_the_desktop_typed_as_the_spec_says(qtbot, session_bus: NotificationServer) -> None:  # type: ignore[no-untyped-def]
    notifier = DesktopNotifier()
    qtbot.waitUntil(lambda: notifier.available == "freedesktop", timeout=5000)
    assert notifier.show("INC-000123 response at risk", "Lab printer offline\nP2: 75 % used")
    qtbot.waitUntil(lambda: any(m.startswith("Notify") for m, _ in session_bus.received), timeout=5000)
    member, body = next((m, b) for m, b in session_bus.received if m.startswith("Notify"))
    assert member == "Notify(susssasa{sv}i)"
    app, replaces, _icon, summary, text, actions, _hints, timeout = body
    assert (app, replaces, summary, actions) == ("Desk", 0, "INC-000123 response at risk", [])
    assert "75 % used" in str(text) and int(str(timeout)) > 0


def test_without_a_notification_server_the_window_shows_it_itself(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + os.devnull + ".nothing-here")
    notifier = DesktopNotifier()
    qtbot.waitUntil(lambda: notifier._probe.done(), timeout=5000)
    assert notifier.available in ("", "tray")
    if notifier.available == "":
        assert notifier.show("x", "y") is False


def test_the_ticket_title_in_the_body_is_text_not_markup_for_the_desktop(qtbot, session_bus: NotificationServer) -> None:  # type: ignore[no-untyped-def]
    """The body of a freedesktop notification is markup wherever the server says
    ``body-markup`` (dunst, GNOME, KDE: <a href>, <img>, <b>). A ticket's title comes from
    whoever mailed the desk, so it is escaped: it shows as typed and links nowhere."""
    notifier = DesktopNotifier()
    qtbot.waitUntil(lambda: notifier.available == "freedesktop", timeout=5000)
    title = '<a href="http://evil.example/login">Reset your password</a> <img src="http://x/y.png"> & co'
    assert notifier.show("INC-000124 response at risk", f"{title}\nP2: 75 % used")
    qtbot.waitUntil(lambda: any(m.startswith("Notify") for m, _ in session_bus.received), timeout=5000)
    _member, body = next((m, b) for m, b in session_bus.received if m.startswith("Notify"))
    text = str(body[4])
    assert "<a " not in text and "<img" not in text
    assert "&lt;a href=&quot;http://evil.example/login&quot;&gt;" in text or "&lt;a href=" in text
    assert "&amp; co" in text
