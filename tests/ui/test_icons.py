"""The shipped SVG icons: every name the code uses exists, drawn in the colour of its mode,
sharp at a device pixel ratio of 2, and no icon library is loaded for them."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon, QImage

from ui.icons import UnknownIcon, svg_text, tinted

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r'"(mdi6\.[a-z0-9-]+)"')


def _used_names() -> set[str]:
    names: set[str] = set()
    for folder in ("ui", "desk"):
        for file in (ROOT / folder).rglob("*.py"):
            names.update(NAME.findall(file.read_text(encoding="utf-8")))
    return names


def test_every_icon_the_code_names_is_shipped() -> None:
    names = _used_names()
    assert len(names) > 40                      # the toolbar, the menus, setup, the counter
    for name in sorted(names):
        assert "<path " in svg_text(name), name


def test_an_unknown_icon_is_named_when_it_is_asked_for(qapp) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownIcon, match="mdi6.no-such-icon"):
        tinted("mdi6.no-such-icon", "#000000")
    with pytest.raises(UnknownIcon):
        tinted("../../pyproject", "#000000")   # only names inside the icon folder


def _colours(image: QImage) -> set[str]:
    found = set()
    for y in range(image.height()):
        for x in range(image.width()):
            c = image.pixelColor(x, y)
            if c.alpha() == 255:
                found.add(c.name())
    return found


def test_each_mode_draws_in_its_own_colour(qapp) -> None:  # type: ignore[no-untyped-def]
    icon = tinted("mdi6.magnify", "#123456", disabled="#aabbcc", selected="#ffffff")
    normal = icon.pixmap(QSize(24, 24), QIcon.Mode.Normal).toImage()
    disabled = icon.pixmap(QSize(24, 24), QIcon.Mode.Disabled).toImage()
    selected = icon.pixmap(QSize(24, 24), QIcon.Mode.Selected).toImage()
    active = icon.pixmap(QSize(24, 24), QIcon.Mode.Active).toImage()   # not given: the normal colour
    assert _colours(normal) == {"#123456"}
    assert _colours(disabled) == {"#aabbcc"}
    assert _colours(selected) == {"#ffffff"}
    assert _colours(active) == {"#123456"}
    # Something is drawn, and not the whole square.
    opaque = sum(normal.pixelColor(x, y).alpha() > 0 for y in range(24) for x in range(24))
    assert 30 < opaque < 24 * 24


def test_high_dpi_pixmaps_have_the_pixels_of_their_ratio(qapp) -> None:  # type: ignore[no-untyped-def]
    icon = tinted("mdi6.ticket-outline", QColor("#000000"))
    pix = icon.pixmap(QSize(16, 16), 2.0)
    assert (pix.width(), pix.height()) == (32, 32) and pix.devicePixelRatio() == 2.0
    assert icon.actualSize(QSize(48, 32)) == QSize(32, 32)


def test_icons_load_no_icon_font_library() -> None:
    code = ("import sys; from PySide6.QtWidgets import QApplication; app = QApplication([]); "
            "from ui.actions import icon; icon('mdi6.magnify').pixmap(16, 16); "
            "print(sorted(m for m in ('qtawesome', 'qtpy', 'PySide6.QtOpenGL') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_read_all_leaves_the_gui_thread_no_file_to_read(qapp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desk import resources
    from ui import icons

    icons.svg_text.cache_clear()
    shipped = sorted(resources.path(*icons.FOLDER).glob("*.svg"))
    assert icons.read_all() == len(shipped) > 40

    def no_file(*_args: object, **_kwargs: object) -> str:
        raise AssertionError("an icon file was read after read_all")

    monkeypatch.setattr(Path, "read_text", no_file)
    for file in shipped:
        assert not icons.tinted(f"{icons.PREFIX}{file.stem}", "#000000").isNull()
