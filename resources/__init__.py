"""Shipped data files (reference data, incident models, icons, templates).

A package only so that a normal (non-editable) install carries the files along.
"""
