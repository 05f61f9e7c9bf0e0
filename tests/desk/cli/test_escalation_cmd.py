"""`desk escalation …`: bad arguments are one line and exit code 2."""
from __future__ import annotations

import pytest

from desk.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_lead_of_an_unknown_team_is_an_error_not_silence(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--database", db_url, "escalation", "lead", "Nope")
    assert code == 2 and out == "" and "No team called 'Nope'" in err and err.count("\n") == 1
    # A team's name as typed in another case is still that team.
    code, out, _err = run(capsys, "--database", db_url, "escalation", "lead", "network")
    assert code == 0 and out.startswith("Network ")

