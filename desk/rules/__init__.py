"""Service-desk rules, each stated once: priority, VIP, lifecycle, permissions."""
