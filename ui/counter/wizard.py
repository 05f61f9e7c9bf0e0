"""The laptop-repair intake wizard: six pages, each validated before Next; a local draft
survives a crash or an accidental close and is offered back next time."""
from __future__ import annotations

import logging

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QWidget, QWizard

from desk.counter.errors import DeviceConflict
from desk.counter.intake import IntakeResult
from ui.counter.context import CounterContext
from ui.counter.draft import DraftStore
from ui.counter.page_base import IntakePage
from ui.counter.page_customer import CustomerPage
from ui.counter.page_device import DevicePage
from ui.counter.page_problem import DataPage, LoanerPage, ProblemPage
from ui.counter.page_review import ReviewPage
from ui.counter.state import IntakeState
from ui.screen_fit import Wizard

log = logging.getLogger(__name__)
AUTOSAVE_MS = 1500


class IntakeWizard(Wizard):
    intake_completed = Signal(object)  # IntakeResult

    def __init__(self, cc: CounterContext, parent: QWidget | None = None, *, drafts: DraftStore | None = None,
                 offer_draft: bool = True, autosave_ms: int = AUTOSAVE_MS) -> None:
        super().__init__(parent)
        self.cc = cc
        self.drafts = drafts or DraftStore()
        self.state = IntakeState(started_at=cc.clock().isoformat(), staff_initials="")
        self.outcome: IntakeResult | None = None
        self._closed = False  # after finish or a decided close, nothing more is saved
        self.setWindowTitle("New walk-in repair")
        self.setObjectName("IntakeWizard")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.resize(780, 640)
        self.device_page = DevicePage(cc, self.state)
        self.pages: list[IntakePage] = [
            CustomerPage(cc, self.state), self.device_page, ProblemPage(cc, self.state),
            DataPage(cc, self.state), LoanerPage(cc, self.state), ReviewPage(cc, self.state),
        ]
        for i, page in enumerate(self.pages):
            self.setPage(i, page)
        self.currentIdChanged.connect(self._on_current_id_changed)
        self._autosave = QTimer(self)
        self._autosave.setInterval(autosave_ms)  # tests pass a short one instead of waiting
        self._autosave.timeout.connect(self.save_draft)
        self._autosave.start()
        if offer_draft:
            self.offer_draft()

    # -- drafts ----------------------------------------------------------------------
    def offer_draft(self) -> bool:
        data = self.drafts.load()
        if not data:
            return False
        who = data.get("person_label") or "an unknown customer"
        when = (data.get("started_at") or "")[:16].replace("T", " ")
        if not self.cc.dialogs.confirm(self, "Unfinished intake",
                                       f"An intake for {who} (started {when} UTC) was not finished. Resume it?"):
            self.drafts.discard()
            return False
        self.restore(IntakeState.from_json(data))
        return True

    def restore(self, saved: IntakeState) -> None:
        page = saved.page
        for f in saved.to_json():
            setattr(self.state, f, getattr(saved, f))
        for p in self.pages:
            p.load_state()
        # Walk forward to the page the draft stopped on, through each page's own initialisation.
        self.restart()
        while self.currentId() < page and self.currentId() < len(self.pages) - 1:
            self.pages[self.currentId()].load_state()
            self.next()
        self.pages[self.currentId()].load_state()

    def save_draft(self) -> None:
        if self.outcome is not None or self._closed:
            return
        page = self.currentPage()
        if isinstance(page, IntakePage):
            page.store_state()
        self.state.page = max(self.currentId(), 0)
        if not (self.state.person_uid or self.state.asset_tag or self.state.serial or self.state.symptoms):
            return  # nothing typed yet: nothing to lose
        try:
            self.drafts.save(self.state.to_json())
        except OSError:
            log.exception("could not save the intake draft")

    def _on_current_id_changed(self, page_id: int) -> None:
        if page_id >= 0:
            self.pages[page_id].show_message("")
        self.save_draft()

    def show_device_conflict(self, exc: DeviceConflict) -> None:
        """The intake found that the tag and serial name no single device: back to the Device
        page (pages keep what was typed, signature included) to choose there."""
        index = self.pages.index(self.device_page)
        while self.currentId() > index:
            self.back()
        self.device_page.show_conflict(exc)

    # -- finishing ------------------------------------------------------------------------
    def finish_with(self, result: IntakeResult) -> None:
        self.outcome = result
        self._closed = True
        self._autosave.stop()
        self.drafts.discard()
        self.intake_completed.emit(result)
        self.accept()

    def reject(self) -> None:
        """Closing asks; a kept draft is offered back next time."""
        self.save_draft()
        if self.outcome is None and self.drafts.load() is not None:
            keep = self.cc.dialogs.confirm(self, "Close intake",
                                           "Keep this unfinished intake to resume later? (No discards it.)")
            if not keep:
                self.drafts.discard()
        self._closed = True
        self._autosave.stop()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_draft()
        super().closeEvent(event)
