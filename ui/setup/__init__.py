"""The supervisor's and admin's desk set-up, as one page of the window (Set-up): services,
SLAs, calendars, VIP policy, staff, models, escalation… each a section of its own module,
listed in ``ui.setup.sections``."""
