"""The ticket's attachments: list, image preview, add, open with the desktop's viewer,
save as. Reading a file's bytes from the database runs off the GUI thread."""
from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.workstation.detail import AttachmentInfo
from ui.errors import describe
from ui.screen_fit import in_documents

if TYPE_CHECKING:
    from ui.context import DeskContext

log = logging.getLogger(__name__)

ID_ROLE = Qt.ItemDataRole.UserRole
TYPE_ROLE = Qt.ItemDataRole.UserRole + 1
Content = tuple[str, str, bytes]      # file name, content type, bytes


class AttachmentsSection(QGroupBox):
    attach_requested = Signal(str)    # a local file's path
    failed = Signal(str)              # words for the page's error line

    def __init__(self, ctx: DeskContext, number: str, parent: QWidget | None = None) -> None:
        super().__init__("Attachments", parent)
        self.ctx, self.number = ctx, number
        lay = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.setAccessibleName("Attachments")
        self.list.setMaximumHeight(100)
        self.list.currentItemChanged.connect(self._on_current_changed)
        self.preview = QLabel()
        self.preview.setAccessibleName("Attachment preview")
        row = QHBoxLayout()
        for text, slot in (("Add…", self.choose_file), ("Open", self.open_current), ("Save as…", self.save_current)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            row.addWidget(b)
        lay.addWidget(self.list)
        lay.addLayout(row)
        lay.addWidget(self.preview)
        self._reads = QObject(self)       # owns the file reads for the ticket shown now

    def reset(self, number: str) -> None:
        """Empty, for ``number`` (the page is reused): a file still being read for the
        ticket before is dropped when it arrives."""
        shiboken6.delete(self._reads)
        self._reads = QObject(self)
        self.number = number
        self.list.clear()
        self.preview.clear()

    def fill(self, attachments: tuple[AttachmentInfo, ...]) -> None:
        self.list.clear()
        for a in attachments:
            item = QListWidgetItem(f"{a.filename}  ({a.size / 1024:.0f} KB)")
            item.setData(ID_ROLE, a.id)
            item.setData(TYPE_ROLE, a.content_type)
            self.list.addItem(item)
        self.preview.clear()

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, f"Attach a file to {self.number}", in_documents())
        if path:
            self.attach_requested.emit(path)

    def _with_content(self, then: Callable[[Content], None], *, quiet: bool = False) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        att_id = item.data(ID_ROLE)
        def failed(exc: BaseException) -> None:
            if quiet:
                log.warning("attachment %s not read: %s", att_id, exc)
            else:
                self.failed.emit(describe(exc))

        self.ctx.runner.read(lambda: self.ctx.details.attachment_data(att_id), then, failed, owner=self._reads)

    def save_current(self) -> None:
        def got(res: Content) -> None:
            name, _ctype, data = res
            path, _ = QFileDialog.getSaveFileName(self, "Save attachment", in_documents(name))
            if path:
                try:
                    Path(path).write_bytes(data)
                except OSError as exc:
                    self.failed.emit(f"Cannot save {path}: {exc.strerror}.")

        self._with_content(got)

    def open_current(self) -> None:
        """Open with the desktop's viewer, from a private temporary copy."""
        def got(res: Content) -> None:
            # Only the file's own name: one stored before names lost their folders (or
            # written outside Desk) must not put the file outside the temporary folder.
            name = Path(res[0].replace("\\", "/")).name
            path = Path(tempfile.mkdtemp(prefix="desk-attachment-")) / (name if name not in ("", ".", "..")
                                                                        else "attachment")
            path.write_bytes(res[2])
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

        self._with_content(got)

    def _on_current_changed(self, item: QListWidgetItem | None, _prev: Any) -> None:
        self.preview.clear()
        if item is None or not str(item.data(TYPE_ROLE)).startswith("image/"):
            return

        def got(res: Content) -> None:
            pix = QPixmap()
            if pix.loadFromData(res[2]):
                self.preview.setPixmap(pix.scaledToWidth(min(320, pix.width())))

        # A preview that cannot be read just stays empty; the list says the file is there.
        self._with_content(got, quiet=True)
