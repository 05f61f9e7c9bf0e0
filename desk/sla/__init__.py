"""The SLA engine: business-time clock over calendars, targets, pause/resume, breaches."""
