"""Hooks the counter into the main window: a Counter menu with intake, pickup, loaner pool and reprint.

One of the installers in ui.features.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QWidget

from desk.rules.permissions import may
from ui.actions import set_icon
from ui.counter.context import CounterContext
from ui.counter.draft import DraftStore
from ui.counter.settings import ASK_SATISFACTION, CUSTOMER_SCREEN, LABEL_SIZE, PAPER, PRINT_WITHOUT_PREVIEW
from ui.errors import describe

# The counter's pages, forms and the printing stack (ReportLab) are imported when first
# used, not when the window starts: most starts never print (issue 14, start-up).
if TYPE_CHECKING:
    from desk.counter.intake import IntakeResult
    from desk.counter.views import RepairView
    from ui.counter.home import CounterHome
    from ui.counter.loaner_pool import LoanerPoolWindow
    from ui.counter.pickup_dialog import PickupDialog
    from ui.counter.wizard import IntakeWizard

log = logging.getLogger(__name__)
MENU = "&Counter"


class Counter:
    """The counter's actions; keeps its windows alive while they are shown."""

    def __init__(self, cc: CounterContext, parent: Any) -> None:
        self.cc = cc
        self.parent = parent       # the main window: dialogs' parent, and the host of the loaner pool page
        self.open: list[QWidget] = []
        self.pool: LoanerPoolWindow | None = None
        self.page: CounterHome | None = None

    def _keep(self, w: QWidget) -> QWidget:
        self.open = [x for x in self.open if x.isVisible()]
        self.open.append(w)
        return w

    def home(self) -> CounterHome:
        """The Counter page, brought forward (made on first use; kept while the window lives,
        so closing its tab loses no intake under way)."""
        from ui.counter.home import CounterHome

        def make() -> CounterHome:
            page = CounterHome(self.cc)
            page.intake_requested.connect(self.new_intake)
            page.pickup_requested.connect(self.pickup)
            page.loaner_pool_requested.connect(self.loaner_pool)
            page.reprint_requested.connect(self.reprint)
            page.ticket_opened.connect(self.parent.open_ticket)
            return page

        page = self.parent.open_panel("counter", "Counter", make)
        assert isinstance(page, CounterHome)
        self.page = page
        return page

    def new_intake(self) -> IntakeWizard:
        """The intake on the Counter page: the one under way if there is one (one customer
        at the desk at a time; its draft is single too), else a new one."""
        from ui.counter.wizard import IntakeWizard

        page = self.home()
        under_way = page.hosted(IntakeWizard)
        if isinstance(under_way, IntakeWizard):
            page.bring_forward(under_way)
            return under_way
        w = IntakeWizard(self.cc, page)
        w.intake_completed.connect(self._on_intake_completed)
        page.host(w)
        return w

    def _on_intake_completed(self, result: IntakeResult) -> None:
        self.preview(result.number, ["slip", "tag"])

    def pickup(self, number: str = "") -> PickupDialog:
        """The pickup form on the Counter page, looking up ``number`` (a scan) if given."""
        from ui.counter.pickup_dialog import PickupDialog

        page = self.home()
        d = page.hosted(PickupDialog)
        if not isinstance(d, PickupDialog):
            d = PickupDialog(self.cc, page)
            d.picked_up.connect(self._on_picked_up)
            page.host(d)
        else:
            page.bring_forward(d)
        if number:
            d.scan.setText(number)
            d.look_up()
        else:
            d.scan.setFocus()
        return d

    def _on_picked_up(self, repair: RepairView) -> None:
        """The customer's three faces first (they are still at the desk), then the receipt."""
        if not self.cc.settings.get(ASK_SATISFACTION):
            self.preview(repair.number, ["receipt"])
            return
        from ui.counter.satisfaction_prompt import SatisfactionPrompt

        first = repair.caller_name.split(" ")[0] if repair.caller_name else ""
        prompt = SatisfactionPrompt(self.cc, repair.number, first, self.parent)
        prompt.finished.connect(lambda _result: self.preview(repair.number, ["receipt"]))
        self._keep(prompt)
        prompt.show_for_customer()

    def loaner_pool(self) -> LoanerPoolWindow:
        """The loaner pool as a page of the window, like the board and the dashboard (one;
        re-read when it comes forward again)."""
        from ui.counter.loaner_pool import LoanerPoolWindow

        pool = self.parent.open_panel("loaner_pool", "Loaner pool", lambda: LoanerPoolWindow(self.cc))
        assert isinstance(pool, LoanerPoolWindow)
        if pool is self.pool:
            pool.refresh()
        self.pool = pool
        return pool

    def checklist(self, number: str | None = None) -> QWidget | None:
        """The repair checklist of the ticket open in front (or a scanned number), in its own window."""
        if number is None:
            panel = getattr(self.parent, "current_panel", lambda: None)()
            number = getattr(panel, "number", None) or self.cc.dialogs.ask_text(
                self.parent, "Repair checklist", "Ticket number (scan the slip or the device tag):")
        if not number:
            return None
        from ui.counter.checklist_widget import RepairChecklistWidget

        w = RepairChecklistWidget(self.cc, number.strip().upper())
        w.setWindowTitle(f"Repair checklist — {number.strip().upper()}")
        w.resize(520, 320)
        self._keep(w).show()
        return w

    def reprint(self) -> None:
        number = self.cc.dialogs.ask_text(self.parent, "Reprint", "Ticket number (scan the slip):")
        if number:
            self.preview(number, ["slip", "tag"])

    def models(self) -> QWidget:
        from ui.counter.model_editor import IncidentModelEditor

        w = IncidentModelEditor(self.cc, self.parent)
        self._keep(w).show()
        return w

    def settings(self) -> None:
        paper = self.cc.dialogs.ask_choice(self.parent, "Counter printing", "Slip and receipt paper:", ["letter", "a4"])
        if paper:
            self.cc.settings.set(PAPER, paper)
        label = self.cc.dialogs.ask_text(self.parent, "Counter printing", "Device tag size in mm (WIDTHxHEIGHT):",
                                         self.cc.settings.get(LABEL_SIZE))
        if label:
            self.cc.settings.set(LABEL_SIZE, label)
        self.cc.settings.set(PRINT_WITHOUT_PREVIEW, self.cc.dialogs.confirm(
            self.parent, "Counter printing",
            "Print slips, tags and receipts straight to the remembered printers (no print dialog)?"))
        self.cc.settings.set(ASK_SATISFACTION, self.cc.dialogs.confirm(
            self.parent, "Counter", "Ask the customer to rate their visit (three faces) at the end of each pickup?"))
        screens = QGuiApplication.screens()
        if len(screens) > 1:
            choice = self.cc.dialogs.ask_choice(
                self.parent, "Counter", "Show the faces on which screen?",
                [("This screen", "-1"), *((f"{s.name() or 'Screen'} {i + 1} ({s.size().width()}×{s.size().height()})",
                                           str(i)) for i, s in enumerate(screens))])
            if choice is not None:
                self.cc.settings.set(CUSTOMER_SCREEN, int(choice))

    def preview(self, number: str, kinds: list[str]) -> None:
        from desk.printing.jobs import render_for

        paper, label = self.cc.settings.get(PAPER), self.cc.settings.get(LABEL_SIZE)
        # Built off the GUI thread; the preview opens when the PDFs are ready.
        self.cc.runner.read(lambda: render_for(self.cc.counter.intake, number, kinds, paper=paper, label=label),
                            self._show_preview,
                            lambda e: self.cc.dialogs.error(self.parent, "Printing", describe(e)))

    def _show_preview(self, jobs: list[tuple[str, str, bytes]]) -> None:
        from ui.counter.print_preview import PrintPreviewDialog

        dialog = PrintPreviewDialog(self.cc, jobs, self.parent)
        if self.cc.settings.get(PRINT_WITHOUT_PREVIEW) and all(p.remembered_printer() for p in dialog.pages):
            # Both printers known: print at once; the preview is still there to reprint or save.
            for page in dialog.pages:
                page.print_direct()
        self._keep(dialog).show()


def install(window: Any, ctx: Any) -> Counter:
    cc = CounterContext.from_desk(ctx)
    counter = Counter(cc, window)
    window.counter = counter  # the window keeps it (and its actions' slots) alive
    # (words, shortcut, icon, on the toolbar, what it does): the walk-in is the counter's
    # main task, so it gets a toolbar button; the rest live in the Counter menu.
    for text, keys, glyph, on_toolbar, tip, slot in (
        ("New &walk-in repair…", "Ctrl+Alt+N", "mdi6.laptop", True,
         "Take in a device for repair at the counter", counter.new_intake),
        ("&Pickup…", "Ctrl+Alt+P", "mdi6.hand-extended-outline", False, "", counter.pickup),
        ("&Loaner pool", "Ctrl+Alt+L", "mdi6.card-account-details-outline", False, "", counter.loaner_pool),
        ("Counter &page", "Ctrl+Alt+H", "mdi6.storefront-outline", False,
         "What is waiting at the desk: ready for pickup, in the workshop, loaners overdue", counter.home),
        ("Repair &checklist…", "Ctrl+Alt+K", "mdi6.clipboard-check-outline", False, "", counter.checklist),
        ("&Reprint slip and tag…", "Ctrl+Alt+R", "mdi6.printer-outline", False, "", counter.reprint),
        ("Printing &settings…", None, "mdi6.cog-outline", False, "", counter.settings),
    ):
        action = set_icon(QAction(text, window), glyph)
        if keys:
            action.setShortcut(QKeySequence(keys))
        if tip:
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False, f=slot: f())
        window.register_tool(MENU, action, toolbar=on_toolbar)
    window.register_page("counter", "Counter", counter.home)
    window.register_page("loaner_pool", "Loaner pool", counter.loaner_pool)
    if may(cc.actor, "model.manage"):
        # Permissions are enforced in the service; the menu only spares others a refusal.
        action = set_icon(QAction("Incident &models…", window), "mdi6.playlist-check")
        action.triggered.connect(lambda _checked=False: counter.models())
        window.register_tool(MENU, action)
    if DraftStore().path.exists():
        # An intake was left unfinished (crash, power cut): offer it back as soon as the window is up.
        QTimer.singleShot(0, counter.new_intake)
    elif cc.actor.counter_only:
        # Counter staff have no queue of their own: their day starts at the desk's lists.
        QTimer.singleShot(0, counter.home)
    return counter
