"""The walk-in counter: intake wizard, signature pad, pickup, loaner pool, repair checklist, printing."""
