"""Desk: the service desk itself (Qt-free): rules, services, SLA engine, reports, CLI."""
__version__ = "0.1.0"
