"""What every feature of the desk shares: writing the audit log, looking records up by
their human keys, record numbers, cleaning typed text, and the names features use for
each other's records. It imports only the rules and the database layer, never a feature."""
