"""The incident-model editor over the real TaskRunner: it reads and saves on workers, the
list and Save wait meanwhile, and a concurrent edit reloads the model with the reason."""
from __future__ import annotations

import dataclasses

from pytestqt.qtbot import QtBot

from desk.incident_models import ModelSpec
from ui.counter.context import CounterContext
from ui.counter.model_editor import IncidentModelEditor
from ui.tasks import TaskRunner


def test_editor_waits_for_its_worker_and_reloads_on_a_conflict(qtbot: QtBot, cc: CounterContext) -> None:
    runner = TaskRunner()
    d = IncidentModelEditor(dataclasses.replace(cc, runner=runner))
    qtbot.addWidget(d)
    assert d.message.text() == "Loading…" and not d.save_btn.isEnabled() and not d.list.isEnabled()
    qtbot.waitUntil(lambda: d.list.count() > 0 and d.save_btn.isEnabled(), timeout=5000)
    assert d.service.findText("Classroom Technology") > 0
    names = [m.name for m in d.models]
    d.list.setCurrentRow(names.index("wifi"))
    shown = d.current
    assert shown is not None and d.message.text() == ""

    # Another supervisor saves the same model meanwhile.
    fields = {f.name: getattr(shown, f.name) for f in dataclasses.fields(ModelSpec)}
    cc.counter.models.save(cc.actor, ModelSpec(**{**fields, "label": "Theirs"}), base_version=shown.version)
    d.label.setText("Mine")
    d.save_btn.click()
    assert d.message.text() == "Saving…" and not d.save_btn.isEnabled()
    qtbot.waitUntil(lambda: "Someone else changed" in d.message.text(), timeout=5000)
    assert d.label.text() == "Theirs" and d.current is not None and d.current.version == shown.version + 1

    d.label.setText("Mine after all")
    d.save_btn.click()
    qtbot.waitUntil(lambda: d.message.text().startswith("Saved wifi"), timeout=5000)
    assert cc.counter.models.get("wifi").label == "Mine after all" and d.save_btn.isEnabled()
    assert runner.wait()
