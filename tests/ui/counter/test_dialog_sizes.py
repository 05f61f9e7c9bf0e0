"""The counter's dialogs, with a long repair in them, fit a 1,280 × 800 laptop screen."""
from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from db.engine import Database
from desk.printing.jobs import render_for
from tests.factories import repair
from tests.ui.test_screen_fit import LONG, assert_fits
from ui.counter.context import CounterContext
from ui.counter.draft import DraftStore
from ui.counter.model_editor import IncidentModelEditor
from ui.counter.pickup_dialog import PickupDialog
from ui.counter.print_preview import PrintPreviewDialog
from ui.counter.wizard import IntakeWizard

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_the_counters_dialogs_fit_a_laptop_screen(qtbot: QtBot, cc: CounterContext, database: Database,
                                                 tmp_path: Path) -> None:
    number = repair(database, cc.counter, cc.actor, symptoms=LONG, damage_notes=LONG[:400]).number
    jobs = render_for(cc.counter.intake, number, ["slip", "tag"])
    pickup = PickupDialog(cc)
    pickup.scan.setText(number)
    pickup.look_up()                          # the long repair shown, as at the counter
    assert pickup.repair is not None
    dialogs = [pickup, PrintPreviewDialog(cc, jobs), IncidentModelEditor(cc),
               IntakeWizard(cc, drafts=DraftStore(tmp_path / "draft.json"), offer_draft=False)]
    for d in dialogs:
        qtbot.addWidget(d)
        assert_fits(d)
