"""Names of incident models that other features refer to (the seed data defines them)."""
from __future__ import annotations

# The walk-in laptop repair: the counter takes it in; the ticket page shows its checklist.
REPAIR_MODEL = "laptop-repair"
