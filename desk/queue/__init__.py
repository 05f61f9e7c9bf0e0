"""The technician's queue: views (built-in and saved), paging, counts."""
