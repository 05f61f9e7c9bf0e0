"""Ctrl+E on the ticket page: the canned replies, a digit picks one, its filled text goes
into the reply box at the cursor (what was typed stays); the box's text can be kept."""
from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCursor

from desk.actor import Actor
from desk.bootstrap import Services
from tests import factories

# A popup menu on the offscreen platform says these; they are not faults of ours.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise",
                                       "does not support grabbing")


def test_a_canned_reply_goes_into_the_reply_box(qtbot, window, services: Services, admin: Actor,  # type: ignore[no-untyped-def]
                                                dialogs) -> None:
    services.replies.save(admin, title="Restart first", body="Hello {caller_first_name}, please restart {title}.")
    uid = factories.person(services.db, given="Ada", family="Lovelace")
    number = factories.incident(services, admin, "the projector", caller=uid).number
    page = window.open_ticket(number)
    box = page.timeline.comment_box
    box.setPlainText("Thanks for calling. ")
    box.moveCursor(QTextCursor.MoveOperation.End)
    window.action("canned_reply").trigger()                  # Ctrl+E
    menu = page.canned.menu
    assert menu is not None
    texts = [a.text() for a in menu.actions()]
    assert texts[0] == "&1 Restart first  (personal)" and texts[-1].startswith("&Keep the reply box's text")
    menu.actions()[0].trigger()                              # the digit 1
    assert box.toPlainText() == "Thanks for calling. Hello Ada, please restart the projector."
    assert box.hasFocus() or box.isVisible()

    dialogs.answers += ["Thanks line", ""]                   # title, then "Only me"
    page.canned.keep_draft()
    assert [r.title for r in services.replies.available(admin)] == ["Restart first", "Thanks line"]


def test_knowledge_articles_are_offered_on_the_ticket_and_open_to_read(qtbot, window, services: Services,  # type: ignore[no-untyped-def]
                                                                       admin: Actor, tmp_path) -> None:
    article = services.knowledge.save(admin, title="Eduroam keeps dropping", body="# Fix\n\n1. **Forget** it",
                                      service="Wi-Fi & Network", audience="users")
    number = factories.incident(services, admin, "Wi-Fi drops", service="Wi-Fi & Network").number
    page = window.open_ticket(number)
    card = page.knowledge
    assert card.isVisibleTo(page) and article.number in card.label.text() and "for users; service" in card.label.text()
    card.open_article(article.number)
    viewer = card.viewer
    assert viewer is not None and "Forget" in viewer.text.toPlainText() and "**" not in viewer.text.toPlainText()
    viewer.ask_path = lambda: str(tmp_path / "kb.pdf")  # type: ignore[method-assign]
    assert viewer.save_handout() == tmp_path / "kb.pdf" and (tmp_path / "kb.pdf").stat().st_size > 1000
    viewer.close()


def test_an_article_is_written_and_edited_from_the_ticket(qtbot, window, services: Services, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    number = factories.incident(services, admin, "Printer jam", service="Printing").number
    page = window.open_ticket(number)
    editor = page.knowledge.new_article()
    assert editor.service.currentText() == "Printing"          # the ticket's service, ready
    editor.title.setText("Clearing a jam in tray 2")
    editor.body.setPlainText("# Steps\n\n1. Open **tray 2**\n2. Pull the paper out")
    assert "tray 2" in editor.preview.toPlainText() and "**" not in editor.preview.toPlainText()
    editor.save()
    assert editor.saved is not None and editor.saved.version == 1
    page.reload()
    assert editor.saved.number in page.knowledge.label.text()
    # Someone else saves meanwhile: this editor's save is refused, its text kept.
    stale = page.knowledge.edit_article(editor.saved)
    services.knowledge.save(admin, title="Clearing a jam", body="Other text", service="Printing",
                            article=editor.saved.number, base_version=1)
    stale.body.setPlainText("My better text")
    stale.save()
    assert "changed by someone else" in stale.message.text() and stale.body.toPlainText() == "My better text"
