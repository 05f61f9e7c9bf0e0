"""Canned replies on the ticket page: Ctrl+E opens the list (mine, then my teams'), a digit
picks one, and its text, filled from this ticket, goes into the reply box at the cursor,
to be read and sent like anything typed. The reply box's text can be kept as a new one."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QPlainTextEdit

from desk.replies.service import ReplyView
from ui.errors import describe

if TYPE_CHECKING:
    from ui.incidents.page import TicketPage

SHOWN = 30


class CannedReplies:
    def __init__(self, page: TicketPage) -> None:
        self.page = page
        self.menu: QMenu | None = None

    @property
    def box(self) -> QPlainTextEdit:
        return self.page.timeline.comment_box

    def open(self) -> None:
        ctx = self.page.ctx
        ctx.runner.read(lambda: ctx.services.replies.available(ctx.actor), self._show, self._failed, owner=self.page.opening)

    def _show(self, replies: list[ReplyView]) -> None:
        self.close()        # the last one goes: a page kept for reuse would gather menus
        menu = QMenu(self.page)
        menu.setAccessibleName("Canned replies")
        if not replies:
            none = menu.addAction("No canned replies yet")
            none.setEnabled(False)
        for i, r in enumerate(replies[:SHOWN]):
            # A digit picks one of the first nine: Ctrl+E, 1 inserts the first.
            key = f"&{i + 1} " if i < 9 else "   "
            action = menu.addAction(f"{key}{r.title.replace('&', '&&')}  ({r.scope})")
            action.setToolTip(r.body[:300])
            action.triggered.connect(lambda _checked=False, rid=r.id: self.choose(rid))
        menu.addSeparator()
        keep = QAction("&Keep the reply box's text as a canned reply…", menu)
        keep.setEnabled(bool(self.page.timeline.draft().strip()))
        keep.triggered.connect(self.keep_draft)
        menu.addAction(keep)
        self.menu = menu
        menu.popup(self.box.mapToGlobal(QPoint(8, 8)))

    def close(self) -> None:
        """The menu of replies closed (the page is reused for another ticket)."""
        if self.menu is not None:
            self.menu.close()
            self.menu.deleteLater()
            self.menu = None

    def choose(self, reply_id: int) -> None:
        ctx, number = self.page.ctx, self.page.number
        ctx.runner.read(lambda: ctx.services.replies.fill(ctx.actor, reply_id, number), self._insert,
                        self._failed, owner=self.page.opening)

    def _insert(self, text: str) -> None:
        cursor = self.box.textCursor()
        cursor.insertText(text)
        self.box.setTextCursor(cursor)
        self.box.setFocus()

    def keep_draft(self) -> None:
        page, ctx = self.page, self.page.ctx
        body = page.timeline.draft()
        title = ctx.dialogs.ask_text(page, "Keep as a canned reply", "Title (what you will pick it by):")
        if not title or not title.strip():
            return
        teams = page.detail.teams if page.detail is not None else ()
        scope = ctx.dialogs.ask_choice(page, "Keep as a canned reply", "Who may use it:",
                                       [("Only me", ""), *((f"Team {t}", t) for t in teams)])
        if scope is None:
            return

        def saved(view: ReplyView) -> None:
            window = page.window()
            if isinstance(window, QMainWindow):
                window.statusBar().showMessage(f"Canned reply “{view.title}” kept ({view.scope}).", 8000)

        ctx.runner.write(lambda: ctx.services.replies.save(ctx.actor, title=title, body=body, team=scope or None),
                         saved, self._failed, owner=page)

    def _failed(self, exc: BaseException) -> None:
        self.page.ctx.dialogs.error(self.page, "Canned replies", describe(exc))
