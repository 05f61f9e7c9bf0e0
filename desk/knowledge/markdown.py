"""The little Markdown an article uses, read into blocks: headings (#, ##), bullet and
numbered lists, paragraphs, and **bold**, *italics* and `code` inside them.

Only this is read; everything else is text. The handout (desk.printing.handout) turns the
blocks into ReportLab paragraphs, escaping each piece of text on its own, so nothing a
writer types becomes markup.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_INLINE = re.compile(r"(\*\*[^*\n]+\*\*|\*[^*\n]+\*|`[^`\n]+`)")


@dataclass(frozen=True)
class Block:
    kind: str           # h1, h2, p, bullet, number
    text: str
    number: int = 0


def blocks(body: str) -> list[Block]:
    out: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append(Block("p", " ".join(x.strip() for x in para)))
            para.clear()

    for raw in body.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        stripped = line.lstrip()
        if not stripped:
            flush()
            continue
        if stripped.startswith("## "):
            flush()
            out.append(Block("h2", stripped[3:].strip()))
        elif stripped.startswith("# "):
            flush()
            out.append(Block("h1", stripped[2:].strip()))
        elif stripped[:2] in ("- ", "* ", "• "):
            flush()
            out.append(Block("bullet", stripped[2:].strip()))
        elif (m := re.match(r"^(\d{1,3})[.)] (.*)$", stripped)) is not None:
            flush()
            out.append(Block("number", m.group(2).strip(), int(m.group(1))))
        else:
            para.append(stripped)
    flush()
    return out


def inline(text: str) -> list[tuple[str, str]]:
    """(style, text) pieces: style "", "b", "i" or "code"; the markers removed."""
    out: list[tuple[str, str]] = []
    for piece in _INLINE.split(text):
        if not piece:
            continue
        if piece.startswith("**") and piece.endswith("**") and len(piece) > 4:
            out.append(("b", piece[2:-2]))
        elif piece.startswith("`") and piece.endswith("`") and len(piece) > 2:
            out.append(("code", piece[1:-1]))
        elif piece.startswith("*") and piece.endswith("*") and len(piece) > 2:
            out.append(("i", piece[1:-1]))
        else:
            out.append(("", piece))
    return out


def plain(body: str) -> str:
    """The article as plain text (search results, a mail): markers gone, lists kept."""
    lines = []
    for b in blocks(body):
        text = "".join(t for _s, t in inline(b.text))
        lines.append({"bullet": f"• {text}", "number": f"{b.number}. {text}"}.get(b.kind, text))
    return "\n".join(lines)
