"""desk kb list | search | show | new | edit | history | print: the knowledge base."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desk.cli.context import CliContext
from desk.cli.output import local_time, to_json
from desk.errors import InvalidInput
from desk.knowledge.markdown import plain
from desk.knowledge.service import ArticleView


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("kb", help="knowledge articles: how-tos and workarounds, printable as handouts")
    s = p.add_subparsers(dest="kb_command", required=True, metavar="ACTION")
    for name, help_ in (("list", "the newest articles"), ("search", "articles holding every word given")):
        a = s.add_parser(name, help=help_)
        if name == "search":
            a.add_argument("words", nargs="+", help="words to look for in titles and text")
        a.add_argument("--audience", choices=("staff", "users"), help="only articles for this audience")
        a.add_argument("--json", action="store_true", help="as JSON for scripts")
        a.set_defaults(func=search_cmd)
    show = s.add_parser("show", help="one article as plain text (--markdown: as written)")
    show.add_argument("article", help="KB-00012, or 12")
    show.add_argument("--markdown", action="store_true", help="the text as written, with its Markdown")
    show.add_argument("--json", action="store_true", help="as JSON for scripts (times in UTC)")
    show.set_defaults(func=show_cmd)
    for name, help_ in (("new", "write a new article (technicians)"), ("edit", "save a new version of one")):
        a = s.add_parser(name, help=help_)
        if name == "edit":
            a.add_argument("article", help="KB-00012, or 12")
            a.add_argument("--title", help="a new title")
        else:
            a.add_argument("--title", required=True, help="what it is about")
        a.add_argument("--file", type=Path, help="the text (Markdown, UTF-8); - reads standard input")
        a.add_argument("--audience", choices=("staff", "users"), help="who may read it (default staff)")
        a.add_argument("--service", help="the service it is about")
        a.add_argument("--category", help="the category it is about")
        a.add_argument("--model", help="the incident model it goes with (e.g. laptop-repair)")
        a.add_argument("--problem", help="the known error (problem number) it explains")
        a.set_defaults(func=save_cmd)
    hist = s.add_parser("history", help="an article's versions, newest first")
    hist.add_argument("article", help="KB-00012, or 12")
    hist.set_defaults(func=history_cmd)
    pr = s.add_parser("print", help="an article as a one-page handout PDF")
    pr.add_argument("article", help="KB-00012, or 12")
    pr.add_argument("--out", type=Path, required=True, help="the PDF to write")
    pr.add_argument("--paper", choices=("letter", "a4"), default="letter", help="paper size (default letter)")
    pr.set_defaults(func=print_cmd)


def _json(a: ArticleView) -> dict[str, object]:
    return {"number": a.number, "title": a.title, "audience": a.audience, "service": a.service,
            "category": a.category, "incident_model": a.incident_model, "problem": a.problem_number,
            "version": a.version, "updated_at": a.updated_at, "updated_by": a.updated_by, "body": a.body}


def search_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    words = " ".join(getattr(args, "words", []) or [])
    found = ctx.services.knowledge.search(words, audience=args.audience)
    if args.json:
        print(to_json([_json(a) for a in found]))
        return 0
    if not found:
        print("No article found." if words else "No article yet: desk kb new --title TITLE --file TEXT.md")
    for a in found:
        about = " · ".join(x for x in (a.service, a.category) if x)
        print(f"{a.number}  {a.title}  ({a.audience_words}{'; ' + about if about else ''})")
    return 0


def show_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    a = ctx.services.knowledge.get(args.article)
    if args.json:
        print(to_json(_json(a)))
        return 0
    site = ctx.services.site
    print(f"{a.number}  {a.title}")
    print(f"For: {a.audience_words}" + "".join(f" · {k}: {v}" for k, v in (
        ("service", a.service), ("category", a.category), ("model", a.incident_model),
        ("known error", a.problem_number)) if v))
    print(f"Version {a.version}, {local_time(a.updated_at, site)} by {a.updated_by}\n")
    print(a.body if args.markdown else plain(a.body))
    return 0


def save_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    actor = ctx.require_staff()
    kb = ctx.services.knowledge
    current = kb.get(args.article) if getattr(args, "article", None) else None
    if args.file is None and current is None:
        raise InvalidInput("Give the article's text: --file TEXT.md (or - for standard input).", "file")
    if args.file is None:
        body = current.body if current else ""
    elif str(args.file) == "-":
        body = sys.stdin.read()
    else:
        try:
            body = args.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"Cannot read {args.file} as UTF-8 text ({exc.__class__.__name__}).", "file") from None

    def keep(new: str | None, old: str | None) -> str | None:
        return new if new is not None else old

    a = kb.save(actor, title=args.title or (current.title if current else ""), body=body,
                audience=args.audience or (current.audience if current else "staff"),
                service=keep(args.service, current.service if current else None),
                category=keep(args.category, current.category if current else None),
                incident_model=keep(args.model, current.incident_model if current else None),
                problem=keep(args.problem, current.problem_number if current else None),
                article=current.number if current else None, base_version=current.version if current else None)
    print(f"{a.number} version {a.version}: {a.title}")
    return 0


def history_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.require_staff()
    a = ctx.services.knowledge.get(args.article)
    for v in a.history:
        print(f"version {v.version:<4} {local_time(v.saved_at, ctx.services.site)}  {v.saved_by:<24} {v.title}")
    return 0


def print_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    from desk.printing.handout import build_handout

    ctx.require_staff()
    a = ctx.services.knowledge.get(args.article)
    build_handout(a, args.out, paper=args.paper)
    print(f"{a.number}: handout written to {args.out}")
    return 0
