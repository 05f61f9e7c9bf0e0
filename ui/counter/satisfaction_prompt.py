"""The three faces at the end of a pickup, for the customer to tap (on the screen turned to
them when the counter has one: Counter → Printing settings asks which).

One tap records it and closes; Skip records that they did not answer (the response rate
counts it). Nothing here lets the counter member change it afterwards.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desk.counter.satisfaction import SCORES
from ui.counter.context import CounterContext
from ui.counter.settings import CUSTOMER_SCREEN
from ui.errors import describe
from ui.icons import tinted
from ui.screen_fit import Dialog

FACES = {1: "mdi6.emoticon-sad-outline", 2: "mdi6.emoticon-neutral-outline", 3: "mdi6.emoticon-happy-outline"}
COLOURS = {1: "#b3261e", 2: "#8a6d00", 3: "#1e7a3c"}


class SatisfactionPrompt(Dialog):
    recorded = Signal(object)     # the score, or None (skipped)

    def __init__(self, cc: CounterContext, number: str, first_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cc, self.number = cc, number
        self.setWindowTitle("How did we do?")
        self.setObjectName("SatisfactionPrompt")
        self.setAccessibleName("Rate your visit")
        question = QLabel(f"Thank you{', ' + first_name if first_name else ''}! How was your visit today?")
        question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        question.setWordWrap(True)
        question.setStyleSheet("font-size: 20pt; font-weight: bold;")
        faces = QHBoxLayout()
        self.buttons: dict[int, QToolButton] = {}
        for score in (1, 2, 3):
            b = QToolButton()
            b.setIcon(tinted(FACES[score], COLOURS[score]))   # coloured, and named below
            b.setIconSize(QSize(120, 120))
            b.setText(SCORES[score])
            b.setAccessibleName(SCORES[score])
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            b.setStyleSheet("font-size: 16pt; padding: 12px;")
            b.clicked.connect(lambda _checked=False, sc=score: self.answer(sc))
            self.buttons[score] = b
            faces.addWidget(b)
        self.comment = QLineEdit()
        self.comment.setPlaceholderText("Anything you would like to tell us? (optional)")
        self.comment.setAccessibleName("Comment")
        self.comment.setMaxLength(1000)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        skip = QPushButton("Skip")
        skip.setAccessibleName("Do not rate")
        skip.clicked.connect(lambda: self.answer(None))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(skip)
        lay = QVBoxLayout(self)
        lay.addWidget(question)
        lay.addLayout(faces)
        lay.addWidget(self.comment)
        lay.addWidget(self.message)
        lay.addLayout(row)
        self.resize(760, 420)

    def show_for_customer(self) -> None:
        """Full screen on the customer's screen if one is set and present, else a dialog here."""
        screens = QGuiApplication.screens()
        index = self.cc.settings.get(CUSTOMER_SCREEN)
        if 0 <= index < len(screens) and len(screens) > 1:
            self.setScreen(screens[index])
            self.move(screens[index].geometry().topLeft())
            self.showFullScreen()
        else:
            self.show()

    def answer(self, score: int | None) -> None:
        comment = self.comment.text()
        for b in self.buttons.values():
            b.setEnabled(False)

        def done(_result: object) -> None:
            self.recorded.emit(score)
            self.accept()

        def failed(exc: BaseException) -> None:
            for b in self.buttons.values():
                b.setEnabled(True)
            self.message.setText(describe(exc))

        self.cc.runner.write(lambda: self.cc.counter.satisfaction.record(self.cc.actor, self.number, score, comment),
                             done, failed, owner=self)
