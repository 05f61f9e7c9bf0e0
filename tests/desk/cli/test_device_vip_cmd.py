"""`desk device show` and `desk vip list | policy`: the real `main`, on SQLite and PostgreSQL."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from desk.cli.output import local_time
from tests import factories
from tests.desk.cli.test_permissions import Desk


@pytest.fixture
def desk(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
         tmp_path: Path) -> Iterator[Desk]:
    d = Desk(db_url, monkeypatch, capsys, tmp_path)
    yield d
    d.db.dispose()


def test_device_show_by_tag_or_serial_with_its_repairs(desk: Desk) -> None:
    repair = desk.services.counter.intake.repair(desk.repair)
    for key in ("NU-104233", "nu-104233", "5cg1234xyz"):
        code, out, err = desk.run("casey", "device", "show", key)
        assert code == 0, (key, err)
        assert "Asset tag       NU-104233" in out and "Serial          5CG1234XYZ" in out
        assert f"Owner           {repair.caller_name} ({repair.caller_university_id})" in out
        assert "Repairs         1 repair" in out
        assert f"  {desk.repair}  {local_time(repair.intake_at, desk.services.site)}  New" in out
    code, out, err = desk.run("casey", "device", "show", "NU-104233", "--json")
    data = json.loads(out)
    assert code == 0 and data["asset_tag"] == "NU-104233", err
    assert [r["number"] for r in data["repairs"]] == [desk.repair]
    assert data["repairs"][0]["intake_at"].endswith("+00:00")
    code, out, err = desk.run("casey", "device", "show", "NOPE-1")
    assert code == 2 and out == "" and err == "desk: No device with asset tag or serial number 'NOPE-1'.\n"


def test_vip_list_and_policy(desk: Desk) -> None:
    code, out, err = desk.run("casey", "vip", "list")
    assert code == 0 and out == "Nobody holds VIP status.\n", err
    uid = factories.person(desk.db, given="Grace", family="Hopper")
    desk.services.people.grant_vip(desk.admin, uid, reason="Provost", office="Office of the Provost")
    granted = desk.services.people.get(uid).vip
    assert granted is not None
    code, out, err = desk.run("casey", "vip", "list")
    assert code == 0, err
    assert out.startswith(f"{uid}  Grace Hopper") and "Office of the Provost" in out
    assert f"since {local_time(granted.granted_at, desk.services.site)}  Provost" in out
    code, out, _ = desk.run("casey", "vip", "list", "--json")
    assert json.loads(out) == [{"university_id": uid, "name": "Grace Hopper", "office": "Office of the Provost",
                                "granted_at": granted.granted_at.isoformat(), "reason": "Provost"}]
    version = desk.services.people.publish_vip_policy(desk.admin, "VIPs are answered first.", 2)
    code, out, err = desk.run("casey", "vip", "policy")
    assert code == 0, err
    assert out.startswith(f"VIP policy v{version}, published ") and "raises urgency by 2 levels." in out
    assert out.rstrip().endswith("VIPs are answered first.")
    code, out, _ = desk.run("casey", "vip", "policy", "--json")
    data = json.loads(out)
    assert (data["version"], data["urgency_levels_raised"], data["text"]) == (version, 2, "VIPs are answered first.")
    assert data["published_at"].endswith("+00:00")
    desk.services.people.revoke_vip(desk.admin, uid, reason="term ended")
    assert desk.run("casey", "vip", "list")[1] == "Nobody holds VIP status.\n"
