"""Who is acting: every service call carries one, and the audit log records it."""
from __future__ import annotations

from dataclasses import dataclass

from db.enums import Role


@dataclass(frozen=True)
class Actor:
    staff_id: int
    username: str
    display_name: str
    roles: frozenset[Role]
    db_user: str | None = None

    def has(self, role: Role) -> bool:
        if Role.ADMIN in self.roles:
            return True
        # Supervisors do everything technicians do, technicians everything counter staff do.
        ladder = [Role.COUNTER, Role.TECHNICIAN, Role.SUPERVISOR]
        if role in ladder:
            return any(r in self.roles for r in ladder[ladder.index(role):])
        return role in self.roles

    @property
    def counter_only(self) -> bool:
        """Counter staff and nothing more: no queue of their own (their day starts at the
        counter's lists)."""
        return self.has(Role.COUNTER) and not self.has(Role.TECHNICIAN)

    @property
    def role_label(self) -> str:
        order = [Role.ADMIN, Role.SUPERVISOR, Role.TECHNICIAN, Role.COUNTER]
        return ", ".join(r.value for r in order if r in self.roles)
