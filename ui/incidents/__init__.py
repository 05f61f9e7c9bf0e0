"""The ticket detail: one panel per open ticket, its sections, conflict merging, new incident."""
