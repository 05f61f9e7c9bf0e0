"""What the ticket page and the scan field read: one ticket with everything around it."""
