"""Printouts of the walk-in counter (ReportLab): intake slip, device tag, pickup receipt."""
from desk.printing.builders import build_device_tag, build_intake_slip, build_pickup_receipt
from desk.printing.styles import PAPER_SIZES, LabelSize

__all__ = ["PAPER_SIZES", "LabelSize", "build_device_tag", "build_intake_slip", "build_pickup_receipt"]
