"""Importers for data the university publishes (the people directory feed)."""
