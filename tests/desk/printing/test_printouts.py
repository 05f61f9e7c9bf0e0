"""Slip, tag and receipt: parsed back (text, barcode values), on both paper sizes, with hostile text."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader

from db.engine import Database
from desk.actor import Actor
from desk.bootstrap import Services
from desk.counter.bundle import CounterServices
from desk.counter.views import DeviceInfo, PickupRequest, RepairView
from desk.pdf.text import markup
from desk.printing import LabelSize, build_device_tag, build_intake_slip, build_pickup_receipt
from tests.desk.printing.render import decode_barcodes, pdf_text
from tests.factories import repair, signature_png

NAMES = {
    "latin": ("Zoë", "Ørsted-Ångström"), "cyrillic": ("Борис", "Пастернак"), "greek": ("Ελένη", "Παπαδοπούλου"),
    "arabic": ("محمد", "الفارسي"), "hebrew": ("שרה", "לוי"), "cjk": ("小明", "王"), "korean": ("철수", "김"),
    "devanagari": ("प्रिया", "शर्मा"),
}
HOSTILE = '<b>bold</b> & <font size=40>big</font> <img src="x"/> ]]> \x07 &amp; ' + "W" * 400


def _repair(database: Database, counter: CounterServices, admin: Actor, **kw: object) -> RepairView:
    counter.loaners.add(admin, "LN-7", "Dell Latitude 5440 loaner")
    return repair(database, counter, admin, loaner="LN-7", **kw).repair


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_intake_slip_text_and_barcodes(database: Database, counter: CounterServices, admin: Actor,
                                       tmp_path: Path, paper: str) -> None:
    r = _repair(database, counter, admin)
    out = tmp_path / "slip.pdf"
    build_intake_slip(r, out, paper=paper)
    reader = PdfReader(str(out))
    width, height = (float(x) for x in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == ((612, 792) if paper == "letter" else (595, 842))
    text = pdf_text(out)
    for expected in (r.number, "Ada Lovelace", "NU-104233", "5CG1234XYZ", "Latitude 7440", "Screen flickers",
                     "Small dent on the lid", "Charger, Bag", "LN-7", "Terms of repair", "AN",
                     "Monday–Friday 08:00–18:00", "servicedesk@example.edu", "Northfield University"):
        assert expected in text, expected
    codes = decode_barcodes(out, tmp_path)
    assert ("CODE128", r.number) in codes
    assert ("QRCODE", r.number) in codes


def test_device_tag_is_one_small_label_with_a_readable_barcode(database: Database, counter: CounterServices,
                                                              admin: Actor, tmp_path: Path) -> None:
    r = _repair(database, counter, admin, given="Maximiliane-Alexandra " * 6, family="Wolfeschlegelsteinhausen")
    out = tmp_path / "tag.pdf"
    build_device_tag(r, out)
    reader = PdfReader(str(out))
    assert len(reader.pages) == 1
    w, h = (float(x) for x in reader.pages[0].mediabox.upper_right)
    assert (round(w / 72 * 25.4), round(h / 72 * 25.4)) == (62, 29)
    assert r.number in pdf_text(out)
    assert ("CODE128", r.number) in decode_barcodes(out, tmp_path, dpi=300)
    build_device_tag(r, tmp_path / "big.pdf", label=LabelSize.parse("89x36"))
    w, _ = (float(x) for x in PdfReader(str(tmp_path / "big.pdf")).pages[0].mediabox.upper_right)
    assert round(w / 72 * 25.4) == 89


def test_pickup_receipt(database: Database, counter: CounterServices, admin: Actor, tmp_path: Path) -> None:
    r = _repair(database, counter, admin)
    counter.incidents.transition(admin, r.number, "in_progress")
    done = counter.pickup.pickup(admin, PickupRequest(r.number, "University card", ("Charger",), signature_png(2),
                                                      "Replaced display cable; burn-in test 2 h.",
                                                      missing_note="Customer left the bag at home"))
    out = tmp_path / "receipt.pdf"
    build_pickup_receipt(done, out, paper="a4")
    text = pdf_text(out)
    for expected in ("Pickup receipt", r.number, "Replaced display cable", "University card", "Charger",
                     "✓ yes", "✗ NO", "LN-7", "returned"):
        assert expected in text, expected
    assert ("CODE128", r.number) in decode_barcodes(out, tmp_path)


@pytest.mark.parametrize("script", sorted(NAMES))
def test_every_script_prints_with_an_embedded_font(database: Database, counter: CounterServices, admin: Actor,
                                                   tmp_path: Path, script: str) -> None:
    given, family = NAMES[script]
    r = _repair(database, counter, admin, given=given, family=family)
    out = tmp_path / "slip.pdf"
    build_intake_slip(r, out)
    fonts = set()
    for page in PdfReader(str(out)).pages:
        for f in page["/Resources"]["/Font"].values():
            obj = f.get_object()
            desc = obj.get("/FontDescriptor") or obj["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            desc = desc.get_object()
            assert "/FontFile2" in desc, f"font {obj['/BaseFont']} is not embedded"
            fonts.add(str(obj["/BaseFont"]))
    expected = {"arabic": "NotoSansArabic", "hebrew": "NotoSansHebrew", "cjk": "DroidSansFallback",
                "korean": "NanumGothic", "devanagari": "NotoSansDevanagari"}
    if script in expected:
        assert any(expected[script] in f for f in fonts), fonts
    text = pdf_text(out)
    if script in ("latin", "cyrillic", "greek", "cjk", "korean"):
        assert family in text


def test_hostile_text_in_every_field_is_printed_literally(database: Database, counter: CounterServices,
                                                          admin: Actor, tmp_path: Path) -> None:
    long_line = "x" * 5000
    counter.loaners.add(admin, "<LN&9>", "<b>Loaner</b> & " + HOSTILE[:150])
    r = repair(
        database, counter, admin, loaner="<LN&9>", given=HOSTILE[:190], family="O'Brien <script>",
        title="<title> & " + "T" * 280,
        symptoms=HOSTILE + "\n" + long_line + "\n" + "Line\n" * 300 + "王小明 Борис שלום محمد",
        damage_notes=HOSTILE, condition=(HOSTILE[:110],), accessories=("<b>Charger</b> & co", HOSTILE[:110]),
        device=DeviceInfo(asset_tag="<TAG&1>", serial="]]>&lt;", make=HOSTILE[:110], model="<i>m</i>",
                     os="Windows & <Linux>"),
    ).repair
    out = tmp_path / "slip.pdf"
    build_intake_slip(r, out)
    build_device_tag(r, tmp_path / "tag.pdf")
    text = pdf_text(out)
    assert "<b>bold</b> & <font size=40>big</font>" in text
    assert "O'Brien <script>" in text and "<TAG&1>" in text and "&amp;" in text
    assert "<LN&9>" in text and "<b>Loaner</b> &" in text
    assert len(PdfReader(str(out)).pages) > 2  # the long problem text flowed over pages instead of failing
    assert len(PdfReader(str(tmp_path / "tag.pdf")).pages) == 1
    counter.incidents.transition(admin, r.number, "in_progress")
    done = counter.pickup.pickup(admin, PickupRequest(r.number, "Passport", tuple(a.name for a in r.accessories),
                                                      signature_png(), HOSTILE + "\n" + long_line))
    build_pickup_receipt(done, tmp_path / "receipt.pdf")
    assert "<b>bold</b>" in pdf_text(tmp_path / "receipt.pdf")


def test_markup_escapes_and_drops_control_characters() -> None:
    m = markup("a<b>&\x07\u202eZ")
    assert "&lt;b&gt;&amp;" in m and "\x07" not in m and "\u202e" not in m


def test_label_size_parsing() -> None:
    assert LabelSize.parse("62×29") == LabelSize(62, 29)
    with pytest.raises(ValueError, match="62x29"):
        LabelSize.parse("big")


def test_times_print_in_desk_time_zone(database: Database, counter: CounterServices, admin: Actor,
                                       tmp_path: Path, clock: object) -> None:
    clock.set(dt.datetime(2026, 7, 1, 13, 5, tzinfo=dt.UTC))  # type: ignore[attr-defined]
    r = _repair(database, counter, admin)
    build_intake_slip(r, tmp_path / "s.pdf")
    assert "Wed 01 Jul 2026, 09:05 EDT" in pdf_text(tmp_path / "s.pdf")


def test_a_desk_in_another_zone_prints_its_own_times(database: Database, clock, admin: Actor,  # type: ignore[no-untyped-def]
                                                     tmp_path: Path) -> None:
    from tests import factories

    factories.move_desk_to(database, "Asia/Tokyo")
    counter = Services.over(database, clock).counter  # a fresh root reads the site
    r = _repair(database, counter, admin)
    assert r.time_zone == "Asia/Tokyo"
    out = tmp_path / "slip.pdf"
    build_intake_slip(r, out)
    text = pdf_text(out)
    assert f"{r.intake_at.astimezone(dt.timezone(dt.timedelta(hours=9))):%a %d %b %Y, %H:%M} JST" in text
    assert r.loan is not None and r.loan.due_at.astimezone(dt.timezone(dt.timedelta(hours=9))).hour == 18
