"""Every value and field the rules know has its words, and the words read as people say them."""
from __future__ import annotations

import enum

import pytest

from db.enums import Channel, Impact, IncidentStatus, PersonStatusKind, Priority, ProblemStatus, Role, Urgency
from db.models import Incident
from db.security.tables import GUARDED
from desk.common.records import EDITABLE_FIELDS
from desk.incident_models.service import REQUIRABLE
from desk.incidents.read import TIMELINE_HIDDEN
from desk.problems.service import EDITABLE_FIELDS as PROBLEM_FIELDS
from desk.rules import choices, labels


@pytest.mark.parametrize(("e", "table"), [
    (IncidentStatus, labels.STATUS), (ProblemStatus, labels.PROBLEM_STATUS), (Channel, labels.CHANNEL),
    (Impact, labels.IMPACT), (Urgency, labels.URGENCY), (Priority, labels.PRIORITY),
    (PersonStatusKind, labels.ACTING_STATUS), (Role, labels.ROLE),
])
def test_every_enum_value_has_words(e: type[enum.Enum], table: dict[enum.Enum, str]) -> None:
    assert set(table) == set(e)
    assert all(words.strip() and words[0].isupper() and "_" not in words for words in table.values())


def test_every_resolution_code_has_words_and_no_words_lack_a_code() -> None:
    assert set(labels.RESOLUTION_CODE) == set(choices.RESOLUTION_CODES)
    assert labels.resolution_code("user_education") == "User education"


def test_every_field_of_the_timeline_and_the_merge_dialog_has_words() -> None:
    incidents = next(g for g in GUARDED if g.table == "incidents")
    audited = {c.name for c in Incident.__table__.columns} - {"id", *incidents.ignored} - TIMELINE_HIDDEN
    named = {*EDITABLE_FIELDS, *PROBLEM_FIELDS, *REQUIRABLE, *audited}
    assert named - set(labels.FIELD) == set()
    assert labels.field("resolution_code") == "Resolution code" and labels.field("assignee_id") == "Assignee"


def test_words_for_values() -> None:
    assert labels.status("pending_customer") == "Pending (customer)"
    assert labels.status(IncidentStatus.IN_PROGRESS) == "In progress"
    assert labels.channel("walk_in") == "Walk-in"
    assert labels.priority("P4") == "P4 Low"
    assert labels.value("channel", "self_service") == "Self-service"
    assert labels.value("title", "Printer jam") == "Printer jam"
    assert labels.value("impact", None) == "—"
    # A value a newer Desk wrote reads as it is stored rather than failing.
    assert labels.status("escalated") == "escalated"


def test_options_show_words_and_carry_the_values() -> None:
    assert labels.options(choices.CHANNELS, labels.channel)[0] == ("Walk-in", "walk_in")
    assert [v for _w, v in labels.options(choices.IMPACTS, labels.impact)] == ["high", "medium", "low"]


@pytest.mark.parametrize(("n", "text"), [(0, "0 tickets"), (1, "1 ticket"), (3, "3 tickets"),
                                         (1204, "1,204 tickets")])
def test_count(n: int, text: str) -> None:
    assert labels.count(n, "ticket") == text
    assert labels.count(2, "child", "children") == "2 children"


def test_choices_read_values_names_and_words_alike() -> None:
    from desk.errors import InvalidInput

    assert choices.parse(Channel, "Walk-in", "channel") is Channel.WALK_IN
    assert choices.parse(Channel, "SELF_SERVICE", "channel") is Channel.SELF_SERVICE
    assert choices.resolution_code("No fault found") == "no_fault_found"
    with pytest.raises(InvalidInput, match="Impact 'huge' is not one of: high, medium, low") as err:
        choices.parse(Impact, "huge", "impact")
    assert err.value.field == "impact"
    with pytest.raises(InvalidInput, match="resolution code") as err:
        choices.resolution_code("magic")
    assert err.value.field == "resolution_code"
