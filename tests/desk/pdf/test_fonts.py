"""One font stack: the same fonts whatever was printed first, found on the system, and a
clear message naming the package when one is missing."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import update

from db.engine import Database
from db.models import Incident
from desk.bootstrap import Services
from desk.errors import DeskError
from desk.pdf.faces import BASE, BASE_FACE, CHAIN, NARROW_FACE
from desk.pdf.fonts import FontBook, FontMissing, book
from desk.pdf.locate import bundled_dir, locate
from desk.pdf.text import markup, runs
from desk.reports.params import ReportParams
from tests import dbtools
from tests.conftest import FakeClock
from tests.desk.reports import sla_dataset
from tests.factories import repair

ROOT = Path(__file__).resolve().parents[3]


def embedded_fonts(pdf: Path) -> set[str]:
    """The base font names embedded in a PDF, without their subset prefixes (ABCDEF+)."""
    names = set()
    for page in PdfReader(str(pdf)).pages:
        for f in page["/Resources"]["/Font"].values():
            names.add(str(f.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


def _empty_fontconfig(tmp_path: Path) -> dict[str, str]:
    """Environment for a process whose fontconfig knows no fonts and with no bundled copies."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path / "fc-cache"}</cachedir></fontconfig>')
    (tmp_path / "no-fonts").mkdir()
    return {"FONTCONFIG_FILE": str(conf), "DESK_FONTS_DIR": str(tmp_path / "no-fonts")}


def test_a_label_and_the_sla_report_get_the_same_fonts_in_either_order(
        sqlite_url: str, db_templates: dbtools.Templates, tmp_path: Path) -> None:
    report_db = Database.connect(sqlite_url)
    admin = Services.over(report_db).staff.resolve_actor()  # this OS user: the first account, admin
    sla_dataset.build(report_db, tickets=80)
    params = ReportParams(sla_dataset.PERIOD_FROM, sla_dataset.PERIOD_TO)
    breached = Services.over(report_db).reports.sla_report(admin, params).breaches[0].number
    with report_db.writing() as s:  # the appendix then prints a title in three more scripts
        s.execute(update(Incident).where(Incident.number == breached).values(title="Laptop प्रिया 지훈 王伟"))
    report_db.dispose()
    tag_url = db_templates.sqlite_copy(tmp_path / "counter.sqlite3")  # the data set numbers tickets itself
    counter_db = Database.connect(tag_url)
    clerk = Services.over(counter_db).staff.resolve_actor()
    number = repair(counter_db, Services.over(counter_db, FakeClock()).counter, clerk, given="प्रिया 지훈",
                    family="Шевченко").repair.number
    counter_db.dispose()
    got = {}
    for order in ("tag-first", "report-first"):
        out = tmp_path / order
        out.mkdir()
        subprocess.run([sys.executable, "-m", "tests.desk.pdf.build_both", tag_url, number, sqlite_url, str(out),
                        order],
                       cwd=ROOT, check=True, timeout=300)
        got[order] = (embedded_fonts(out / "tag.pdf"), embedded_fonts(out / "sla.pdf"))
    assert got["tag-first"] == got["report-first"]
    tag, report = got["tag-first"]
    assert {"NotoSans-Bold", "NotoSansDevanagari-Regular", "NanumGothic"} <= tag
    assert {"NotoSans-Regular", "NotoSans-Bold", "DejaVuSansCondensed", "DejaVuSansCondensed-Bold",
            "NotoSansDevanagari-Regular", "NanumGothic", "DroidSansFallback"} <= report
    # Only Desk's faces set text (a chart's drawing still names ReportLab's initial Helvetica,
    # with no text in it).
    assert all(f.startswith(("NotoSans", "DejaVuSans", "NanumGothic", "DroidSans")) for f in tag | report - {"Helvetica"})


def test_without_the_base_font_nothing_prints_and_the_message_names_the_package(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    fonts = FontBook(locate(bundled=empty, system=False))
    assert set(fonts.located.missing) == {*CHAIN, NARROW_FACE}
    with pytest.raises(FontMissing) as caught:
        fonts.require_base()
    assert isinstance(caught.value, DeskError)
    assert str(caught.value) == ("Desk cannot print: no font for Latin, Cyrillic and Greek text is installed "
                                 "(Noto Sans). Install it with:  sudo apt-get install -y fonts-noto-core")


def test_an_empty_fontconfig_is_asked_and_finds_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in _empty_fontconfig(tmp_path).items():
        monkeypatch.setenv(key, value)
    assert bundled_dir() == tmp_path / "no-fonts"
    assert locate(bundled=bundled_dir()).found == {}


def test_the_command_line_says_which_package_to_install(sqlite_url: str, tmp_path: Path) -> None:
    db = Database.connect(sqlite_url)
    admin = Services.over(db).staff.resolve_actor()
    number = repair(db, Services.over(db, FakeClock()).counter, admin).repair.number
    db.dispose()
    env = {**os.environ, **_empty_fontconfig(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "desk.cli.main", "--database", sqlite_url, "print", "tag", number,
                           "--out", str(tmp_path / "tag.pdf")], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "sudo apt-get install -y fonts-noto-core" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "tag.pdf").exists()


def _only(tmp_path: Path, **files: Path) -> Path:
    """A bundled folder holding just ``files`` (Debian file name -> the file it really is)."""
    folder = tmp_path / "bundle"
    folder.mkdir()
    for name, target in files.items():
        (folder / name).symlink_to(target)
    return folder


def _system(face_name: str) -> Path:
    return book().located.found[face_name].files[0].path


def test_a_missing_script_prints_boxes_and_says_so_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = _only(tmp_path, **{"NotoSans-Regular.ttf": _system(BASE)})
    fonts = FontBook(locate(bundled=folder, system=False))
    fonts.require_base()  # the base face is enough to print
    with caplog.at_level(logging.WARNING, logger="desk.pdf.fonts"):
        assert fonts.split("Kim 지훈") == [(BASE, "Kim 지훈")]
        assert fonts.split("김") == [(BASE, "김")]
    warnings = [r.getMessage() for r in caplog.records]
    assert warnings == ["Desk cannot print Korean (Hangul) text: no font covers it (NanumGothic), so it prints as "
                        "empty boxes. Install it with:  sudo apt-get install -y fonts-nanum"]


def test_a_file_without_the_script_is_not_taken_for_its_face(tmp_path: Path) -> None:
    # A file named like Noto Sans Arabic that is really Noto Sans: it lacks the sample glyphs.
    folder = _only(tmp_path, **{"NotoSans-Regular.ttf": _system(BASE),
                                "NotoSansArabic-Regular.ttf": _system(BASE)})
    found = locate(bundled=folder, system=False)
    assert BASE in found.found and "DeskArabic" not in found.found
    assert found.found[BASE].origin == "bundled" and found.found[BASE].bold is None


def test_each_script_is_set_in_its_face() -> None:
    pieces = runs("Ирина, Γιώργος 王伟 さくら 지훈 प्रिया மீனா สมชาย ሰላም ნინო")
    assert [face for face, _ in pieces] == [
        BASE, "DeskCJK", "DeskHangul", "DeskDevanagari", "DeskTamil", "DeskThai", "DeskEthiopic", "DeskSymbols"]
    assert pieces[0][1] == "Ирина, Γιώργος "  # the space and the comma stay with the word
    assert runs("Heading 지훈", BASE_FACE.bold) == [(BASE_FACE.bold, "Heading "), ("DeskHangul-Bold", "지훈")]
    assert runs("王", BASE_FACE.bold) == [("DeskCJK", "王")]  # Droid has no bold: its regular


def test_right_to_left_text_is_joined_and_in_visual_order() -> None:
    assert runs("Dr. محمد") == [(BASE, "Dr. "), ("DeskArabic", "ﺪﻤﺤﻣ")]  # final, medial, medial, initial
    assert runs("יעל כהן") == [("DeskHebrew", "ןהכ לעי")]


def test_devanagari_is_shaped() -> None:
    # The vowel sign ि is typed after its consonant and drawn before it (a variant glyph
    # fitted to the consonant's width); क्ष becomes one conjunct glyph.
    (face, shaped), = runs("कि")
    assert face == "DeskDevanagari" and shaped[-1] == "क" and len(shaped) == 2
    (face, shaped), = runs("क्ष")
    assert face == "DeskDevanagari" and len(shaped) == 1


def test_markup_names_faces_and_escapes() -> None:
    assert markup("a<b> & 王\nZ") == 'a&lt;b&gt; &amp; <font face="DeskCJK">王</font><br/>Z'
