"""The desktop client (PySide6): windows, item models, wizards, workers. Asks desk services."""
