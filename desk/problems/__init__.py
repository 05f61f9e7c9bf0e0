"""Problem records and the known-error list."""
