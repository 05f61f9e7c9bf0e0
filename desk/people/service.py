"""People: look up, search as you type, create, and the VIP list (supervisors only)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import Affiliation, Department, Person, PersonStatus, StaffAccount, VipGrant, VipPolicy
from desk.actor import Actor
from desk.clock import Clock
from desk.common import audit
from desk.common.records import AffiliationView, PersonStatusView, PersonView, VipView
from desk.common.text import clean_text
from desk.errors import InvalidInput, NotFound
from desk.incidents.service import IncidentService
from desk.rules.permissions import require

EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
UNIVERSITY_ID = re.compile(r"^[0-9A-Za-z-]{3,32}$")


def load_person(s: Session, person_id: int) -> PersonView:
    p = s.get(Person, person_id)
    if p is None:
        raise NotFound(f"No person with id {person_id}.")
    statuses = s.execute(select(PersonStatus).where(PersonStatus.person_id == p.id)
                         .order_by(PersonStatus.start_date)).scalars().all()
    affs = s.execute(select(Affiliation, Department.name).join(Department)
                     .where(Affiliation.person_id == p.id)
                     .order_by(Affiliation.is_primary.desc(), Department.name)).all()
    grant = s.execute(select(VipGrant).where(VipGrant.person_id == p.id, VipGrant.revoked_at.is_(None))
                      .order_by(VipGrant.granted_at.desc()).limit(1)).scalar_one_or_none()
    vip = None
    if grant is not None:
        policy = s.execute(select(VipPolicy).order_by(VipPolicy.version.desc()).limit(1)).scalar_one()
        vip = VipView(grant.office, grant.granted_at, grant.grant_reason, policy.version, policy.text)
    return PersonView(
        id=p.id, university_id=p.university_id, given_name=p.given_name, family_name=p.family_name,
        preferred_name=p.preferred_name, email=p.email, phone=p.phone,
        statuses=tuple(PersonStatusView(st.kind.value, st.start_date, st.end_date) for st in statuses),
        affiliations=tuple(AffiliationView(name, a.department_id, a.title, a.is_primary) for a, name in affs),
        vip=vip, version=p.version,
    )


@dataclass(frozen=True)
class VipPolicyView:
    version: int
    text: str
    urgency_levels_raised: int
    published_at: dt.datetime
    published_by: str | None


@dataclass(frozen=True)
class VipEntry:
    """One line of the published VIP list: who, the office that makes them a VIP, since
    when, who granted it and why."""

    university_id: str
    name: str
    office: str | None
    since: dt.datetime
    granted_by: str | None
    reason: str


# What a policy may do to urgency: nothing, one level or two (High is the ceiling).
POLICY_LEVELS = (0, 1, 2)


class PeopleService:
    def __init__(self, db: Database, clock: Clock, incidents: IncidentService) -> None:
        self.db = db
        self.clock = clock
        self.incidents = incidents   # re-derives open tickets' priority when VIP status changes

    def get(self, university_id: str) -> PersonView:
        with self.db.reading() as s:
            pid = s.execute(select(Person.id).where(Person.university_id == university_id.strip())).scalar()
            if pid is None:
                raise NotFound(f"No person with university ID {university_id!r}.")
            return load_person(s, pid)

    def search(self, text: str, limit: int = 20) -> list[PersonView]:
        """Results-as-you-type: ID prefix, e-mail prefix, or name prefix (any script)."""
        q = text.strip()
        if not q:
            return []
        like = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self.db.reading() as s:
            conds = [Person.university_id.like(q + "%"), func.lower(Person.email).like(like, escape="\\"),
                     func.lower(Person.family_name).like(like, escape="\\"),
                     func.lower(Person.given_name).like(like, escape="\\"),
                     func.lower(Person.preferred_name).like(like, escape="\\")]
            parts = q.lower().split()
            if len(parts) >= 2:
                conds.append(func.lower(Person.given_name + " " + Person.family_name).like(
                    " ".join(parts).replace("%", "\\%") + "%", escape="\\"))
            ids = s.execute(select(Person.id).where(or_(*conds))
                            .order_by(Person.family_name, Person.given_name).limit(limit)).scalars().all()
            return [load_person(s, i) for i in ids]

    def create(self, actor: Actor, *, university_id: str, given_name: str, family_name: str,
               preferred_name: str | None = None, email: str | None = None, phone: str | None = None) -> PersonView:
        require(actor, "person.edit")
        uid = clean_text(university_id, "university ID", required=True, single_line=True, max_length=32)
        if not UNIVERSITY_ID.match(uid):
            raise InvalidInput(f"University ID {uid!r} must be 3–32 letters, digits or dashes.", "university_id")
        given = clean_text(given_name, "given name", required=True, single_line=True, max_length=200)
        family = clean_text(family_name, "family name", required=True, single_line=True, max_length=200)
        preferred = clean_text(preferred_name, "preferred name", single_line=True, max_length=200) or None
        mail = clean_text(email, "e-mail", single_line=True, max_length=320) or None
        if mail and not EMAIL.match(mail):
            raise InvalidInput(f"E-mail {mail!r} is not a valid address.", "email")
        tel = clean_text(phone, "phone", single_line=True, max_length=64) or None
        now = self.clock()
        with self.db.writing() as s:
            if s.execute(select(Person.id).where(Person.university_id == uid)).scalar() is not None:
                raise InvalidInput(f"A person with university ID {uid} already exists.", "university_id")
            p = Person(university_id=uid, given_name=given, family_name=family, preferred_name=preferred,
                       email=mail, phone=tel, created_at=now, updated_at=now)
            s.add(p)
            s.flush()
            audit.record(s, actor, now, "person", p.id, "created", None, uid)
            return load_person(s, p.id)

    # -- VIP -----------------------------------------------------------------
    def vip_list(self) -> list[PersonView]:
        """Everyone holding VIP status now, by family name (the published list, desk vip list)."""
        with self.db.reading() as s:
            ids = s.execute(select(Person.id).join(VipGrant, VipGrant.person_id == Person.id)
                            .where(VipGrant.revoked_at.is_(None))
                            .order_by(Person.family_name, Person.given_name, Person.id)).scalars().all()
            return [load_person(s, pid) for pid in dict.fromkeys(ids)]

    def vip_policy(self) -> VipPolicyView | None:
        """The VIP policy in force (its latest published version); None before the first."""
        history = self.vip_policies(limit=1)
        return history[0] if history else None

    def vip_policies(self, limit: int | None = None) -> list[VipPolicyView]:
        """Every published version of the policy, newest first (none is ever replaced:
        a ticket names the version that raised it)."""
        with self.db.reading() as s:
            stmt = (select(VipPolicy, StaffAccount.display_name)
                    .outerjoin(StaffAccount, StaffAccount.id == VipPolicy.published_by_id)
                    .order_by(VipPolicy.version.desc()))
            if limit is not None:
                stmt = stmt.limit(limit)
            return [VipPolicyView(p.version, p.text, p.urgency_levels_raised, p.published_at, by)
                    for p, by in s.execute(stmt).all()]

    def vip_entries(self) -> list[VipEntry]:
        """The published VIP list, by family name: who, office, since, granted by, reason."""
        with self.db.reading() as s:
            rows = s.execute(
                select(Person.university_id, Person.given_name, Person.family_name, Person.preferred_name,
                       VipGrant.office, VipGrant.granted_at, StaffAccount.display_name, VipGrant.grant_reason)
                .join(VipGrant, VipGrant.person_id == Person.id)
                .outerjoin(StaffAccount, StaffAccount.id == VipGrant.granted_by_id)
                .where(VipGrant.revoked_at.is_(None))
                .order_by(Person.family_name, Person.given_name, Person.id)).all()
            return [VipEntry(uid, f"{preferred or given} {family}".strip(), office, since, by, reason)
                    for uid, given, family, preferred, office, since, by, reason in rows]

    def grant_vip(self, actor: Actor, university_id: str, *, reason: str, office: str | None = None) -> PersonView:
        return self._change_vip(actor, university_id, reason, grant=True, office=office)

    def revoke_vip(self, actor: Actor, university_id: str, *, reason: str) -> PersonView:
        return self._change_vip(actor, university_id, reason, grant=False)

    def _change_vip(self, actor: Actor, university_id: str, reason: str, *, grant: bool,
                    office: str | None = None) -> PersonView:
        """Grant or remove VIP status (supervisors, with a reason), audited; the person's
        open tickets are re-derived so every ticket the policy touches shows it."""
        require(actor, "vip.manage")
        why = clean_text(reason, "reason", required=True, max_length=2000)
        office = clean_text(office, "office", single_line=True, max_length=200) or None
        now = self.clock()
        with self.db.writing() as s:
            p = s.execute(select(Person).where(Person.university_id == university_id)).scalar_one_or_none()
            if p is None:
                raise NotFound(f"No person with university ID {university_id!r}.")
            active = s.execute(select(VipGrant).where(VipGrant.person_id == p.id,
                                                      VipGrant.revoked_at.is_(None))).scalar_one_or_none()
            if grant and active is not None:
                raise InvalidInput(f"{university_id} already holds VIP status.")
            if not grant and active is None:
                raise InvalidInput(f"{university_id} does not hold VIP status.")
            if grant:
                s.add(VipGrant(person_id=p.id, office=office, granted_at=now, granted_by_id=actor.staff_id,
                               grant_reason=why))
            else:
                assert active is not None
                active.revoked_at, active.revoked_by_id, active.revoke_reason = now, actor.staff_id, why
            audit.record(s, actor, now, "person", p.id, "vip", str(not grant).lower(), str(grant).lower(), why)
            s.flush()
            self.incidents.rederive_open_for_person(
                s, actor, p.id, now, f"VIP {'granted' if grant else 'removed'}: {why}")
            return load_person(s, p.id)

    def publish_vip_policy(self, actor: Actor, text: str, urgency_levels_raised: int = 1) -> int:
        require(actor, "vip.manage")
        body = clean_text(text, "policy text", required=True, max_length=20_000)
        if urgency_levels_raised not in POLICY_LEVELS:
            raise InvalidInput("The policy may raise urgency by 0, 1 or 2 levels.", "urgency_levels_raised")
        now = self.clock()
        with self.db.writing() as s:
            last = s.execute(select(func.max(VipPolicy.version))).scalar() or 0
            policy = VipPolicy(version=last + 1, text=body, urgency_levels_raised=urgency_levels_raised,
                               published_at=now, published_by_id=actor.staff_id)
            s.add(policy)
            s.flush()
            audit.record(s, actor, now, "vip_policy", policy.id, "published", None, f"v{policy.version}")
            return policy.version
