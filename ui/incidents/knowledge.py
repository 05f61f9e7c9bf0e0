"""Knowledge articles that fit this ticket (its incident model, its known error, its
service and category), beside the known errors; one opens to read, and prints as a
one-page handout for the customer."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desk.knowledge.service import AUDIENCES, ArticleMatch, ArticleView
from desk.rules.permissions import may
from ui.context import DeskContext
from ui.errors import describe
from ui.record_tab import esc
from ui.screen_fit import Dialog, in_documents
from ui.wheel_guard import ComboBox


class KnowledgeCard(QGroupBox):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__("Knowledge articles", parent)
        self.ctx = ctx
        self.label = QLabel("")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                           | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.label.linkActivated.connect(self.open_article)
        self.new_btn = QPushButton("&Write an article for this kind of ticket…")
        self.new_btn.clicked.connect(self.new_article)
        lay = QVBoxLayout(self)
        lay.addWidget(self.label)
        lay.addWidget(self.new_btn)
        self.viewer: ArticleViewer | None = None
        self.editor: ArticleEditor | None = None
        self.services: tuple[str, ...] = ()
        self.service: str | None = None

    def fill(self, matches: tuple[ArticleMatch, ...], *, services: tuple[str, ...] = (),
             service: str | None = None) -> None:
        self.services, self.service = services, service
        self.label.setVisible(bool(matches))
        self.new_btn.setVisible(may(self.ctx.actor, "problem.edit"))    # technicians write them
        self.setVisible(bool(matches) or self.new_btn.isVisibleTo(self))
        self.label.setText("<br>".join(
            f"<a href='{m.number}'>{m.number}</a> {esc(m.title)} <span style='color:#666'>"
            f"({'for users' if m.audience == 'users' else 'staff only'}; {m.matched_on})</span>" for m in matches))

    def clear(self) -> None:
        """No ticket: no matches, and the article windows this ticket opened closed (the
        page is reused for another ticket, as if this one's tab had been deleted)."""
        self.label.clear()
        self.services, self.service = (), None
        # Every one opened (a second article opened keeps the first one's window open).
        for window in self.findChildren(QDialog):
            window.close()
            window.deleteLater()
        self.viewer = self.editor = None

    def open_article(self, number: str) -> None:
        self.ctx.runner.read(lambda: self.ctx.services.knowledge.get(number), self._show,
                             lambda e: self.ctx.dialogs.error(self, "Knowledge article", describe(e)), owner=self)

    def _show(self, article: ArticleView) -> None:
        self.viewer = ArticleViewer(self.ctx, article, self)
        self.viewer.edit_requested.connect(lambda: self.edit_article(article))
        self.viewer.show()

    def new_article(self) -> ArticleEditor:
        self.editor = ArticleEditor(self.ctx, services=self.services, service=self.service, parent=self)
        self.editor.show()
        return self.editor

    def edit_article(self, article: ArticleView) -> ArticleEditor:
        self.editor = ArticleEditor(self.ctx, article, services=self.services, parent=self)
        self.editor.show()
        return self.editor


class ArticleViewer(Dialog):
    """One article to read (its Markdown shown as formatted text; no link is followed)."""

    edit_requested = Signal()

    def __init__(self, ctx: DeskContext, article: ArticleView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.article = ctx, article
        self.setWindowTitle(f"{article.number} — {article.title}")
        self.setObjectName("ArticleViewer")
        head = QLabel(f"<b>{esc(article.title)}</b><br><span style='color:#666'>{esc(article.number)} · "
                      f"{esc(article.audience_words)} · version {article.version} by {esc(article.updated_by)}</span>")
        head.setTextFormat(Qt.TextFormat.RichText)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.setOpenExternalLinks(False)
        self.text.setMarkdown(article.body)
        self.message = QLabel("")
        print_btn = QPushButton("&Save handout PDF…")
        print_btn.clicked.connect(self.save_handout)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        edit = QPushButton("&Edit…")
        edit.setVisible(may(ctx.actor, "problem.edit"))
        edit.clicked.connect(self._edit)
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        row.addWidget(edit)
        row.addWidget(print_btn)
        row.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(self.text, 1)
        lay.addLayout(row)
        self.resize(720, 640)

    def _edit(self) -> None:
        self.edit_requested.emit()
        self.accept()

    def ask_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(self, "Save handout", in_documents(f"{self.article.number}.pdf"),
                                              "PDF (*.pdf)")
        return path

    def save_handout(self) -> Path | None:
        from desk.printing.handout import build_handout

        path = self.ask_path()
        if not path:
            return None
        target = Path(path)
        article = self.article

        def done(_result: object) -> None:
            self.message.setText(f"Saved {target.name}")

        self.ctx.runner.read(lambda: build_handout(article, target), done,
                             lambda e: self.message.setText(describe(e)), owner=self)
        return target


class ArticleEditor(Dialog):
    """Write an article or a new version of one: Markdown on the left, what it looks like
    on the right. A save that fails (someone saved meanwhile, a field refused) keeps the
    text and says why."""

    def __init__(self, ctx: DeskContext, article: ArticleView | None = None, *, services: tuple[str, ...] = (),
                 service: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.article = ctx, article
        self.saved: ArticleView | None = None
        self.setWindowTitle(f"Edit {article.number}" if article else "New knowledge article")
        self.setObjectName("ArticleEditor")
        self.title = QLineEdit(article.title if article else "")
        self.title.setAccessibleName("Title")
        self.audience = ComboBox()
        for value, words in AUDIENCES.items():
            self.audience.addItem(words, value)
        self.audience.setCurrentIndex(max(self.audience.findData(article.audience if article else "staff"), 0))
        self.service = ComboBox()
        self.service.addItem("— no service —", "")
        for name in services:
            self.service.addItem(name, name)
        wanted = article.service if article else service
        self.service.setCurrentIndex(max(self.service.findData(wanted or ""), 0))
        self.body = QPlainTextEdit(article.body if article else "")
        self.body.setAccessibleName("Article text (Markdown)")
        self.body.setPlaceholderText("# Heading\n\n1. A step with **bold** words\n- A point")
        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        self.preview.setAccessibleName("Preview")
        self.body.textChanged.connect(lambda: self.preview.setMarkdown(self.body.toPlainText()))
        self.preview.setMarkdown(self.body.toPlainText())
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #a3180e; font-weight: bold;")
        save = QPushButton("&Save")
        save.clicked.connect(self.save)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow("Title", self.title)
        form.addRow("For", self.audience)
        form.addRow("Service", self.service)
        split = QSplitter()
        split.addWidget(self.body)
        split.addWidget(self.preview)
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        row.addWidget(cancel)
        row.addWidget(save)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(split, 1)
        lay.addLayout(row)
        self.resize(980, 640)

    def save(self) -> None:
        a = self.article
        title, body = self.title.text(), self.body.toPlainText()
        audience, service = self.audience.currentData(), self.service.currentData() or None
        actor, kb = self.ctx.actor, self.ctx.services.knowledge

        def write() -> ArticleView:
            return kb.save(actor, title=title, body=body, audience=audience, service=service,
                           category=a.category if a else None, incident_model=a.incident_model if a else None,
                           problem=a.problem_number if a else None, article=a.number if a else None,
                           base_version=a.version if a else None)

        def done(view: ArticleView) -> None:
            self.saved = view
            self.accept()

        self.ctx.runner.write(write, done, lambda e: self.message.setText(describe(e)), owner=self)
