"""Staff notifications on this workstation: an SLA alert that names the person signed in
here shows as a desktop notification (freedesktop notifications over D-Bus, else the
system tray's message) or, while Desk is the active window, as a toast in its corner;
the bell in the status bar counts the unread ones and lists them — choosing one opens
its ticket and marks it read.

The person's notifications are asked for every few seconds off the GUI thread (and at
once after any change here): the alert is written by whichever workstation holds the
job, so this is how it reaches the others. Each is claimed as shown in the database, so
a person signed in twice sees it once.
"""
from __future__ import annotations

import html
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QMenu,
    QSystemTrayIcon,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desk.escalation.service import NotificationView
from ui.actions import icon
from ui.context import DeskContext

log = logging.getLogger(__name__)
POLL_MS = 10_000
TOAST_MS = 12_000


class DesktopNotifier:
    """Puts a message on the desktop: freedesktop notifications (the session bus's
    ``org.freedesktop.Notifications``, through jeepney, which the keyring already brings
    on Linux) if a notification server answers, else the system tray's message.

    Talking to the bus happens on a thread of its own (a slow or hung notification
    server must never stall the window): ``available`` is known once the first probe is
    back, and until then, or without either route, ``show`` returns False and the caller
    puts up its own toast."""

    def __init__(self, tray_parent: QObject | None = None) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="desk-notify")
        self._probe: Future[bool] = self._pool.submit(_freedesktop_answers)
        self._tray: QSystemTrayIcon | None = None
        self._tray_parent = tray_parent

    @property
    def available(self) -> str:
        if self._probe.done() and not self._probe.exception() and self._probe.result():
            return "freedesktop"
        if self._probe.done() and QSystemTrayIcon.isSystemTrayAvailable():
            return "tray"
        return ""

    def show(self, title: str, body: str) -> bool:
        route = self.available
        if route == "freedesktop":
            self._pool.submit(_freedesktop_notify, title, body)
            return True
        if route == "tray":
            if self._tray is None:
                self._tray = QSystemTrayIcon(icon("mdi6.bell-ring-outline"), self._tray_parent)
                self._tray.setToolTip("Desk")
                self._tray.show()
            if self._tray.supportsMessages():
                self._tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Warning, TOAST_MS)
                return True
        return False


_NOTIFY = ("/org/freedesktop/Notifications", "org.freedesktop.Notifications")


def _freedesktop_answers() -> bool:
    """Whether a notification server is on the session bus (none: headless, or no desktop)."""
    try:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        addr = DBusAddress(_NOTIFY[0], bus_name=_NOTIFY[1], interface=_NOTIFY[1])
        with open_dbus_connection(bus="SESSION") as conn:
            reply = conn.send_and_get_reply(new_method_call(addr, "GetServerInformation"), timeout=2)
            return bool(reply.body)
    except Exception as exc:   # noqa: BLE001 - no bus, no server, no jeepney: the toast it is
        log.info("no desktop notification server (%s); notifications show inside the window", exc)
        return False


def _freedesktop_notify(title: str, body: str) -> None:
    try:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        addr = DBusAddress(_NOTIFY[0], bus_name=_NOTIFY[1], interface=_NOTIFY[1])
        with open_dbus_connection(bus="SESSION") as conn:
            # Notify(app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout).
            # The body is markup on servers with body-markup (<a href>, <img>): the ticket's
            # title is whatever a caller typed, so it goes as text.
            conn.send_and_get_reply(new_method_call(addr, "Notify", "susssasa{sv}i", (
                "Desk", 0, "dialog-warning", title, html.escape(body, quote=False), [], {"urgency": ("y", 1)},
                TOAST_MS)), timeout=3)
    except Exception:
        log.warning("desktop notification failed", exc_info=True)


class Toast(QFrame):
    """A notification in the window's corner: what, about which ticket; click to open it."""

    clicked = Signal()

    def __init__(self, parent: QWidget, title: str, body: str) -> None:
        super().__init__(parent)
        self.setObjectName("notification_toast")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet("#notification_toast { border: 1px solid palette(mid); border-radius: 6px;"
                           " background: palette(base); }")
        layout = QVBoxLayout(self)
        head = QLabel(f"<b>{_escape(title)}</b>", self)
        text = QLabel(_escape(body).replace("\n", "<br>"), self)
        text.setWordWrap(True)
        hint = QLabel("<small>Click to open the ticket</small>", self)
        for w in (head, text, hint):
            w.setTextFormat(Qt.TextFormat.RichText)
            layout.addWidget(w)
        self.setFixedWidth(380)
        self.adjustSize()
        QTimer.singleShot(TOAST_MS, self.close)

    def mousePressEvent(self, event: Any) -> None:
        self.clicked.emit()
        self.close()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class NotificationCentre(QObject):
    def __init__(self, window: Any, ctx: DeskContext, *, poll_ms: int = POLL_MS,
                 desktop: DesktopNotifier | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.desktop = desktop if desktop is not None else DesktopNotifier(window)
        self.unread: list[NotificationView] = []    # the latest, as the bell lists them
        self.unread_total = 0                        # all the unread ones, as the bell counts them
        self.toasts: list[Toast] = []
        self.shown: list[tuple[str, str, str]] = []     # (where, title, body): what was put up, for tests
        self._busy = False
        self.button = QToolButton(window)
        self.button.setObjectName("notifications_button")
        self.button.setAccessibleName("Notifications")
        self.button.setIcon(icon("mdi6.bell-outline"))
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setAutoRaise(True)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self.button)
        self.button.setMenu(self.menu)
        window.statusBar().addPermanentWidget(self.button)
        self._render()
        self.timer = QTimer(self)
        self.timer.setInterval(poll_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(500)      # a burst of changes asks once
        self._soon.timeout.connect(self.poll)
        ctx.changes.changed.connect(lambda _c: self._soon.start())
        window.installEventFilter(self)
        QTimer.singleShot(0, self.poll)

    # -- asking ----------------------------------------------------------------------------
    def poll(self) -> None:
        if self._busy:
            return
        self._busy = True
        esc = self.ctx.services.escalation
        actor = self.ctx.actor

        def fetch() -> tuple[list[NotificationView], list[NotificationView], int]:
            return (esc.claim_unshown(actor), esc.notifications(actor, unread_only=True, limit=30),
                    esc.unread_count(actor))

        self.ctx.runner.write(fetch, self._on_fetched, self._on_failed, owner=self)

    def _on_failed(self, exc: BaseException) -> None:
        self._busy = False
        log.warning("could not read notifications: %s", exc)

    def _on_fetched(self, result: tuple[list[NotificationView], list[NotificationView], int]) -> None:
        self._busy = False
        fresh, unread, total = result
        self.unread = unread
        self.unread_total = max(total, len(unread))
        self._render()
        for n in reversed(fresh):          # oldest first, as they happened
            self._put_up(n)

    # -- showing ---------------------------------------------------------------------------
    def _put_up(self, n: NotificationView) -> None:
        active = self.window.isActiveWindow()
        if not active and self.desktop.show(n.title, n.body):
            self.shown.append((self.desktop.available, n.title, n.body))
            return
        toast = Toast(self.window, n.title, n.body)
        toast.clicked.connect(lambda n=n: self.open(n))
        self.toasts = [t for t in self.toasts if t.isVisible()] + [toast]
        self._place_toasts()
        toast.show()
        toast.raise_()
        self.shown.append(("toast", n.title, n.body))
        QApplication.alert(self.window, TOAST_MS)     # the taskbar entry asks for attention

    def _place_toasts(self) -> None:
        margin = 16
        bottom = self.window.height() - self.window.statusBar().height() - margin
        for toast in reversed(self.toasts):      # the newest at the bottom, older ones above
            newest = toast is self.toasts[-1]
            if not toast.isVisible() and not newest:
                continue
            toast.adjustSize()
            if not newest and bottom - toast.height() < margin:
                # No room above: closed rather than put off the top of the window, where no
                # one would see it (it stays under the bell, unread).
                toast.close()
                continue
            bottom -= toast.height()
            toast.move(self.window.width() - toast.width() - margin, max(bottom, 0))
            bottom -= 8

    def _render(self) -> None:
        count = self.unread_total if self.unread else 0
        self.button.setText(f"{count}" if count else "")
        self.button.setIcon(icon("mdi6.bell-ring" if count else "mdi6.bell-outline"))
        self.button.setToolTip(f"{count} unread notification{'s' if count != 1 else ''}" if count
                               else "No unread notifications")
        self.menu.clear()
        if not self.unread:
            empty = self.menu.addAction("No unread notifications")
            empty.setEnabled(False)
            return
        for n in self.unread:
            when = self.ctx.site.local(n.created_at).strftime("%a %H:%M")
            action = QAction(f"{n.title} — {when}", self.menu)
            action.setToolTip(n.body)
            action.triggered.connect(lambda _=False, n=n: self.open(n))
            self.menu.addAction(action)
        self.menu.addSeparator()
        self.menu.addAction("Mark all read", self.mark_all_read)

    def open(self, n: NotificationView) -> None:
        self.window.open_ticket(n.number)
        self._mark([n.id])

    def mark_all_read(self) -> None:
        """Every unread one up to the newest the list shows: one that arrived since the list
        was drawn has not been seen, and stays unread."""
        if self.unread:
            self._mark(None, up_to=max(n.id for n in self.unread))

    def _mark(self, ids: list[int] | None, *, up_to: int | None = None) -> None:
        esc = self.ctx.services.escalation
        actor = self.ctx.actor
        before = len(self.unread)
        self.unread = [n for n in self.unread if ids is not None and n.id not in ids]
        self.unread_total = max(0, self.unread_total - (before - len(self.unread))) if ids is not None else 0
        self._render()
        # Then asked afresh: the list fills up from the unread ones beyond the latest 30.
        self.ctx.runner.write(lambda: esc.mark_read(actor, ids, up_to=up_to), lambda _n: self._soon.start(),
                              self._on_failed, owner=self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The toasts keep to the window's corner when it is resized.
        if watched is self.window and event.type() == QEvent.Type.Resize and self.toasts:
            self._place_toasts()
        return False


def install(window: Any, ctx: DeskContext) -> NotificationCentre:
    centre = NotificationCentre(window, ctx)
    window.notifications = centre
    return centre
