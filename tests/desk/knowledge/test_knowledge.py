"""Knowledge articles: written and versioned with their history, searched, offered on the
tickets they fit (beside the known errors), printed as a one-page handout parsed back."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from db.enums import Role
from desk.actor import Actor
from desk.bootstrap import Services
from desk.cli.main import main
from desk.errors import ConflictError, InvalidInput, PermissionDenied
from desk.knowledge.markdown import blocks, inline, plain
from desk.printing.handout import build_handout
from tests import factories

BODY = """# Reset eduroam on Windows

1. Open **Settings → Network**.
2. Choose *Forget* on eduroam.
- Join again with your `NetID@example.edu`.

If it still fails, call us: <script>alert(1)</script> & friends.
"""


def test_markdown_is_read_into_blocks_and_pieces() -> None:
    kinds = [(b.kind, b.number) for b in blocks(BODY)]
    assert kinds == [("h1", 0), ("number", 1), ("number", 2), ("bullet", 0), ("p", 0)]
    assert inline("Open **Settings** and *Forget* `x`") == [("", "Open "), ("b", "Settings"), ("", " and "),
                                                            ("i", "Forget"), ("", " "), ("code", "x")]
    assert "1. Open Settings → Network." in plain(BODY) and "**" not in plain(BODY)


def test_write_version_search_and_offer_on_a_ticket(services: Services, admin: Actor) -> None:
    kb = services.knowledge
    a = kb.save(admin, title="Eduroam keeps dropping", body=BODY, service="Wi-Fi & Network", audience="users")
    assert (a.number, a.version, a.audience_words) == (f"KB-{a.id:05d}", 1, "Users")
    # A save is the whole article as the editor shows it (fields left out are cleared).
    b = kb.save(admin, title="Eduroam keeps dropping on Windows", body=BODY + "\nAlso on Windows 11.",
                service="Wi-Fi & Network", audience="users", article=a.number, base_version=1)
    assert b.version == 2
    with pytest.raises(ConflictError):
        kb.save(admin, title="Stale edit", body="x", article=a.number, base_version=1)
    history = kb.get(a.number).history
    assert [(v.version, v.title) for v in history] == [(2, "Eduroam keeps dropping on Windows"),
                                                       (1, "Eduroam keeps dropping")]
    assert kb.version(a.number, 1).body == BODY
    kb.save(admin, title="Printer driver install", body="Use the print portal.", service="Printing")
    assert [x.title for x in kb.search("EDUROAM windows")] == ["Eduroam keeps dropping on Windows"]
    assert [x.title for x in kb.search("portal")] == ["Printer driver install"]
    assert kb.search("100%_") == []                         # wildcards are letters here
    counter = factories.staff(services, admin, "dana", Role.COUNTER)
    with pytest.raises(PermissionDenied):
        kb.save(counter, title="x", body="y")
    with pytest.raises(InvalidInput, match="audience is staff or users"):
        kb.save(admin, title="x", body="y", audience="everyone")

    number = factories.incident(services, admin, "Wi-Fi drops in the library", service="Wi-Fi & Network").number
    offered = services.details.load(number, admin).articles
    assert [(m.title, m.matched_on) for m in offered] == [("Eduroam keeps dropping on Windows", "service")]


def test_the_handout_is_one_page_with_the_text_escaped(services: Services, admin: Actor, tmp_path: Path) -> None:
    a = services.knowledge.save(admin, title="Eduroam — 重置 / إعادة", body=BODY * 6, service="Wi-Fi & Network")
    out = tmp_path / "kb.pdf"
    build_handout(a, out)
    reader = PdfReader(out)
    text = " ".join((reader.pages[0].extract_text() or "").split())
    assert len(reader.pages) == 1                           # long text shrinks to fit, never cut
    assert "<script>alert(1)</script> & friends." in text and "Open Settings → Network." in text
    assert a.number in text


def test_the_cli_writes_shows_and_prints(sqlite_url: str, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    base = ["--database", sqlite_url]
    monkeypatch.setattr("sys.stdin", io.StringIO(BODY))
    assert main([*base, "kb", "new", "--title", "Eduroam", "--file", "-", "--service", "Wi-Fi & Network"]) == 0
    assert "KB-00001 version 1: Eduroam" in capsys.readouterr().out
    assert main([*base, "kb", "edit", "1", "--title", "Eduroam on Windows"]) == 0
    assert "KB-00001 version 2" in capsys.readouterr().out
    assert main([*base, "kb", "search", "eduroam"]) == 0 and "KB-00001  Eduroam on Windows" in capsys.readouterr().out
    assert main([*base, "kb", "show", "KB-00001"]) == 0
    out = capsys.readouterr().out
    assert "1. Open Settings → Network." in out and "Version 2" in out
    assert main([*base, "kb", "history", "kb-1"]) == 0 and "version 1" in capsys.readouterr().out
    pdf = tmp_path / "h.pdf"
    assert main([*base, "kb", "print", "1", "--out", str(pdf), "--paper", "a4"]) == 0 and pdf.exists()
    capsys.readouterr()
    assert main([*base, "kb", "show", "nope"]) == 2 and "not a knowledge article number" in capsys.readouterr().err
