"""What the counter's widgets need, built once from the desk's context."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desk.actor import Actor
from desk.counter.bundle import CounterServices
from desk.people.service import PeopleService
from ui.changes import ChangeHub
from ui.dialogs import Dialogs
from ui.settings import Settings
from ui.tasks import SyncRunner, TaskRunner


@dataclass
class CounterContext:
    counter: CounterServices
    people: PeopleService
    actor: Actor
    runner: TaskRunner | SyncRunner
    dialogs: Dialogs
    settings: Settings
    clock: Any
    changes: ChangeHub = field(default_factory=ChangeHub)   # the desk's hub when built from it

    @classmethod
    def from_desk(cls, ctx: Any) -> CounterContext:
        services = ctx.services
        return cls(services.counter, services.people, ctx.actor, ctx.runner, ctx.dialogs, ctx.settings,
                   services.clock, ctx.changes)

    @property
    def initials(self) -> str:
        parts = [p for p in self.actor.display_name.replace("-", " ").split() if p[:1].isalpha()]
        return "".join(p[0] for p in parts[:3]).upper() or self.actor.username[:2].upper()
