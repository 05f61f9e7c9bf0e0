"""Saved connection profiles (URL without password) in the user's config directory."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import make_url

from desk import paths
from desk.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class Profile:
    name: str
    url: str  # never holds a password


def _file() -> Path:
    return paths.config_dir() / "profiles.json"


def _read() -> dict[str, Any]:
    try:
        data = json.loads(_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"default": None, "profiles": []}
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"The connection profiles file {_file()} cannot be read: {exc}") from None
    return data if isinstance(data, dict) else {"default": None, "profiles": []}


def _write(data: dict[str, object]) -> None:
    _file().parent.mkdir(parents=True, exist_ok=True)
    tmp = _file().with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    tmp.replace(_file())


def list_profiles() -> list[Profile]:
    return [Profile(**p) for p in _read().get("profiles", [])]


def default_profile() -> Profile | None:
    data = _read()
    name = data.get("default")
    return next((p for p in list_profiles() if p.name == name), None)


def save_profile(name: str, url: str, *, make_default: bool = True) -> Profile:
    u = make_url(url)
    if u.password:
        raise InvalidInput("Leave the password out of the URL; Desk keeps it in the system keyring.", "url")
    data = _read()
    profiles = [p for p in list_profiles() if p.name != name]
    profile = Profile(name, u.render_as_string(hide_password=False))
    profiles.append(profile)
    data["profiles"] = [asdict(p) for p in profiles]
    if make_default or not data.get("default"):
        data["default"] = name
    _write(data)
    return profile


def use_profile(name: str) -> Profile:
    """Make the saved profile ``name`` the default connection."""
    profile = next((p for p in list_profiles() if p.name == name), None)
    if profile is None:
        known = ", ".join(p.name for p in list_profiles()) or "none saved yet"
        raise NotFound(f"No connection profile {name!r} (profiles: {known}).")
    data = _read()
    data["default"] = name
    _write(data)
    return profile
