"""Copy the fonts Desk prints with into a folder a packaged build ships.

    python packaging/bundle_fonts.py DIR      (default: <prefix>/share/desk/fonts)

The files are the ones this machine's fontconfig gives Desk (``desk.pdf.locate``, the
same lookup the application makes), saved under Debian's file names, which is how Desk
finds them again in ``DESK_FONTS_DIR`` or ``<prefix>/share/desk/fonts``; each package's
copyright file goes beside them (the fonts' licences require it). Exits 1 when a face is
not installed here, naming the package.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from desk.pdf.faces import install_hint
from desk.pdf.locate import locate


def bundle(target: Path) -> list[str]:
    """Copy every face found; returns the problems (faces missing or not copyable)."""
    target.mkdir(parents=True, exist_ok=True)
    found = locate(bundled=None)
    problems = [f"{face.script}: {' or '.join(face.families)} is not installed. {install_hint([face.package])}"
                for face in found.missing]
    for f in found.found.values():
        if any(file is not None and file.index for file in f.files):
            problems.append(f"{f.face.name}: {f.files[0].path} is one font of a collection; bundle a single-font file")
            continue
        for file, name in zip(f.files, f.face.files):
            if file is not None and name is not None:
                shutil.copyfile(file.path, target / name)
        copyright_file = Path("/usr/share/doc") / f.face.package / "copyright"
        if copyright_file.is_file():
            shutil.copyfile(copyright_file, target / f"{f.face.package}-copyright.txt")
        print(f"{f.face.name}: {f.files[0].path} ({f.family})")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", nargs="?", type=Path, default=Path(sys.prefix) / "share" / "desk" / "fonts")
    args = parser.parse_args(argv)
    problems = bundle(args.target)
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
