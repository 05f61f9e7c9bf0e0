"""Knowledge articles that fit this ticket (its incident model, its known error, its
service and category), beside the known errors; one opens to read, and prints as a
one-page handout for the customer."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desk.knowledge.service import ArticleMatch, ArticleView
from ui.context import DeskContext
from ui.errors import describe
from ui.record_tab import esc
from ui.screen_fit import in_documents


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
        QVBoxLayout(self).addWidget(self.label)
        self.viewer: ArticleViewer | None = None
        self.hide()

    def fill(self, matches: tuple[ArticleMatch, ...]) -> None:
        self.setVisible(bool(matches))
        self.label.setText("<br>".join(
            f"<a href='{m.number}'>{m.number}</a> {esc(m.title)} <span style='color:#666'>"
            f"({'for users' if m.audience == 'users' else 'staff only'}; {m.matched_on})</span>" for m in matches))

    def open_article(self, number: str) -> None:
        self.ctx.runner.read(lambda: self.ctx.services.knowledge.get(number), self._show,
                             lambda e: self.ctx.dialogs.error(self, "Knowledge article", describe(e)), owner=self)

    def _show(self, article: ArticleView) -> None:
        self.viewer = ArticleViewer(self.ctx, article, self)
        self.viewer.show()


class ArticleViewer(QDialog):
    """One article to read (its Markdown shown as formatted text; no link is followed)."""

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
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        row.addWidget(print_btn)
        row.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(self.text, 1)
        lay.addLayout(row)
        self.resize(720, 640)

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
