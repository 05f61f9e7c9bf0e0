"""The demo's bulk load at scale: tickets generated in worker processes with their SLA
columns measured (``chunks``, ``sla_fill``), encoded per engine (``encode``), chained and
written by one writer (``writer``), on PostgreSQL with ``COPY`` into tables prepared for
it (``pg_bulk``). Above ``desk.demodata`` (names, texts, timelines) because it uses the
SLA engine and numbering."""
