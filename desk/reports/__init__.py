"""Reports: SLA compliance (PDF via ReportLab, CSV), the supervisor dashboard figures.

Figures are aggregated in the database over the SLA results the SLA engine stores on
each incident; Python only formats them.
"""
