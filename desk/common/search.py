"""Full-text search over incidents: SQLite FTS5 or PostgreSQL tsvector, same behaviour."""
from __future__ import annotations

import re

from sqlalchemy import Select, func, literal_column, select, text
from sqlalchemy.orm import Session

from db.models import Incident

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(query: str) -> list[str]:
    return _TOKEN.findall(query.lower())


def matching_incident_ids(session: Session, query: str) -> Select:
    """A sub-select of incident ids matching every word of ``query`` as a prefix."""
    words = tokens(query)
    if not words:
        return select(Incident.id).where(literal_column("1") == 0)
    if session.get_bind().dialect.name == "postgresql":
        tsquery = " & ".join(f"{w}:*" for w in words)
        return select(Incident.id).where(
            literal_column("incidents.search_vector").op("@@")(func.to_tsquery("simple", tsquery))
        )
    # FTS5: every word as a quoted prefix term, so user text is never FTS syntax.
    match = " ".join('"' + w.replace('"', '""') + '"*' for w in words)
    return select(literal_column("rowid")).select_from(text("incident_search")).where(
        text("incident_search MATCH :match").bindparams(match=match)
    )
