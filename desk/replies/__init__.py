"""Canned replies (``service``)."""
