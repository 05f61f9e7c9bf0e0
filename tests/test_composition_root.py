"""Every service is built once, in the composition root (``desk/bootstrap.py``, and the
counter's bundle it calls): no other module of the app constructs one, so a service's
dependencies are the ones the root chose, never a private copy made on the side."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILDERS = {Path("desk/bootstrap.py"), Path("desk/counter/bundle.py")}


def _service_classes() -> set[str]:
    names = set()
    for path in (ROOT / "desk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and (node.name.endswith("Service") or node.name in
                                                   {"SlaAdmin", "CounterServices", "Services"}):
                names.add(node.name)
    return names


def _constructions(classes: set[str]) -> list[str]:
    found = []
    for folder in ("desk", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if rel in BUILDERS:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                f = node.func
                if isinstance(f, ast.Name):                      # IncidentService(…)
                    name = f.id
                elif isinstance(f, ast.Attribute) and f.attr == "over" and isinstance(f.value, ast.Name):
                    name = f.value.id                            # CounterServices.over(…)
                    if name == "Services":                       # the root itself
                        continue
                elif isinstance(f, ast.Attribute):               # module.IncidentService(…)
                    name = f.attr
                else:
                    continue
                if name in classes:
                    found.append(f"{rel}:{node.lineno}: {name}(…)")
    return found


def test_the_service_classes_are_found() -> None:
    classes = _service_classes()
    assert {"IncidentService", "MajorIncidentService", "CounterServices", "SlaAdmin"} <= classes


def test_no_service_is_built_outside_the_composition_root() -> None:
    assert _constructions(_service_classes()) == []
