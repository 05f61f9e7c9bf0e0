"""Seeing other workstations' changes: PostgreSQL LISTEN/NOTIFY, SQLite data_version polling.

Qt-free: a watcher runs in its own thread and calls plain callbacks; the UI bridges
them into signals.
"""
