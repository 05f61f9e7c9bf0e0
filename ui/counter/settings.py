"""Counter preferences, declared once (paper, label size, the two printers)."""
from __future__ import annotations

from ui.settings import Setting

PAPER = Setting("counter/paper", "letter", str)             # "letter" or "a4"
LABEL_SIZE = Setting("counter/label_size", "62x29", str)    # millimetres, WIDTHxHEIGHT
SLIP_PRINTER = Setting("counter/slip_printer", "", str)     # remembered apart from the label printer
LABEL_PRINTER = Setting("counter/label_printer", "", str)
LOAN_DAYS = Setting("counter/loan_days", 7, int)
PRINT_WITHOUT_PREVIEW = Setting("counter/print_without_preview", False, bool)  # straight to remembered printers
ASK_SATISFACTION = Setting("counter/ask_satisfaction", True, bool)  # the three faces after each pickup
# The screen turned to the customer (its number in the system's list, 0 the first); -1: the counter's own.
CUSTOMER_SCREEN = Setting("counter/customer_screen", -1, int)
