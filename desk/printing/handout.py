"""A knowledge article as a one-page handout: the desk's header, the article (its Markdown
read by desk.knowledge.markdown, every piece of text escaped and set per script), and the
desk's hours and contact at the foot. What does not fit one page is scaled down to fit,
never cut."""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, Paragraph, Spacer, Table

from desk.knowledge.markdown import blocks, inline
from desk.knowledge.service import ArticleView
from desk.pdf.faces import BASE
from desk.pdf.text import markup
from desk.printing import styles as st
from desk.printing.branding import Branding, load_branding
from desk.printing.builders import Out, _doc, _logo


def _inline(text: str) -> str:
    out = []
    for style, piece in inline(text):
        safe = markup(piece)
        out.append({"b": f"<b>{safe}</b>", "i": f"<i>{safe}</i>",
                    "code": f"<font face='{BASE}' backColor='#eef1f6'>{safe}</font>"}.get(style, safe))
    return "".join(out)


def article_flowables(a: ArticleView, s: st.Styles) -> list[Flowable]:
    out: list[Flowable] = []
    for b in blocks(a.body):
        if b.kind == "h1":
            out.append(Paragraph(_inline(b.text), s.section))
        elif b.kind == "h2":
            out.append(Paragraph(_inline(b.text), s.label))
        elif b.kind == "bullet":
            out.append(Paragraph(_inline(b.text), s.body, bulletText="•"))
        elif b.kind == "number":
            out.append(Paragraph(_inline(b.text), s.body, bulletText=f"{b.number}."))
        else:
            out.append(Paragraph(_inline(b.text), s.body))
        out.append(Spacer(1, 1.5 * mm))
    return out


def build_handout(a: ArticleView, out: Out, *, paper: str = "letter", branding: Branding | None = None) -> None:
    b = branding or load_branding()
    s = st.Styles()
    size = st.paper(paper)
    width = size[0] - 2 * st.MARGIN
    doc = _doc(out, size, "Knowledge article", a.number)
    names = Paragraph(f"{markup(b.institution)}<br/><font size='9.5'>{markup(b.desk)}</font>", s.institution)
    head = Table([[_logo(b, 16 * mm), names, Paragraph(markup(a.number), s.center_small)]],
                 colWidths=[19 * mm, width - 19 * mm - 30 * mm, 30 * mm])
    head.setStyle(st.table_style([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("LINEBELOW", (0, 0), (-1, 0), 0.8, st.INK), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    about = " · ".join(x for x in (a.service, a.category) if x)
    body: list[Flowable] = [Paragraph(markup(a.title), s.title)]
    if about:
        body.append(Paragraph(markup(about), s.small))
    body += [Spacer(1, 3 * mm), *article_flowables(a, s)]
    top, bottom = 14 * mm, 22 * mm
    frame_height = size[1] - top - bottom - 26 * mm
    story: list[Flowable] = [head, Spacer(1, 4 * mm),
                             KeepInFrame(width, frame_height, body, mode="shrink")]
    doc.build(story, onFirstPage=st.footer(b, f"Knowledge article {a.number} (version {a.version})"))
