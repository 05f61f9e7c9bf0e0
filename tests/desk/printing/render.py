"""Reading printouts back: text with pypdf, barcodes from the rendered page with zbar."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def decode_barcodes(pdf: Path, tmp: Path, dpi: int = 200) -> list[tuple[str, str]]:
    """(symbology, value) of every barcode zbar finds on page 1; skips without pdftoppm/zbar."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    prefix = tmp / pdf.stem
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(prefix)], check=True)
    png = prefix.with_suffix(".png")
    try:
        from PIL import Image
        from pyzbar import pyzbar
    except ImportError:
        pyzbar = None  # type: ignore[assignment]
    if pyzbar is not None:
        try:
            return [(c.type, c.data.decode()) for c in pyzbar.decode(Image.open(png))]
        except Exception:  # noqa: BLE001 - libzbar0 missing: fall back to the command-line tool
            pass
    if shutil.which("zbarimg") is None:
        pytest.skip("no barcode decoder (pyzbar with libzbar0, or zbarimg) is available")
    out = subprocess.run(["zbarimg", "-q", str(png)], capture_output=True, text=True).stdout
    found = []
    for line in out.splitlines():
        kind, _, value = line.partition(":")
        found.append((kind.replace("-", "").replace("Code", "CODE").upper(), value))
    return found
