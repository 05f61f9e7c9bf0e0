"""The walk-in counter: repair intake, devices, the loaner pool, the repair checklist and pickup."""
