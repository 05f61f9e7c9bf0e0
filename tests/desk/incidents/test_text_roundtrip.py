"""Any Unicode text (but NUL and lone surrogates) comes back from the database unchanged."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk.actor import Actor
from desk.bootstrap import Services
from desk.incidents.read import journal
from desk.incidents.service import NewIncident

# Cs = surrogates (not encodable as UTF-8); NUL cannot be stored by PostgreSQL.
_ANY = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
# Titles are single lines and are stored without surrounding white space.
_TITLE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\n"),
                 min_size=1, max_size=300).filter(lambda t: t.strip() != "")
_BODY = st.text(_ANY, max_size=2000)
_COMMENT = st.text(_ANY, min_size=1, max_size=2000).filter(lambda t: t.strip() != "")

# The fixtures give one database per test function; every example writes a new
# incident into it, which is fine because examples never depend on each other.
ROUNDTRIP = settings(max_examples=25, derandomize=True, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])


@ROUNDTRIP
@given(title=_TITLE, description=_BODY, comment=_COMMENT)
def test_incident_text_round_trips(services: Services, admin: Actor, title: str, description: str,
                                   comment: str) -> None:
    opened = services.incidents.open(admin, NewIncident(title=title, description=description))
    services.incidents.comment(admin, opened.number, comment, internal=True)
    again = services.incidents.get(opened.number)
    assert again.title == title.strip()
    assert again.description == description
    with services.db.reading() as s:
        bodies = [j.body for j in journal(s, again.id)]
    assert bodies == [comment]
