"""Supervisor reports in the app: the SLA report dialog (with preview, save, print) and
the live supervisor dashboard."""
