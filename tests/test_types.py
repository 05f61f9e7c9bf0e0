"""All three layers (ui, desk, db) type-check cleanly under the [tool.mypy] settings in pyproject.toml."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_reports_no_errors_in_ui_desk_and_db() -> None:
    # The configuration (packages, strictness, per-library overrides) lives in pyproject.toml;
    # .mypy_cache at the top level keeps repeat runs to a second or two.
    result = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
                             "--cache-dir", str(ROOT / ".mypy_cache")], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
