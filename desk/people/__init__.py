"""People (callers, VIP status) and staff accounts (who is acting)."""
