"""Service-desk rules, each stated once: priority, VIP, lifecycle, permissions, the choices
offered and the words people read for them (labels)."""
