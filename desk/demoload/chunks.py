"""Demo incidents generated a chunk at a time, in worker processes or in this one.

Each chunk of ``CHUNK`` consecutive tickets draws from its own random stream, seeded
from the demo's seed and the chunk's index, and every major incident from one seeded
by its own index: so the tickets are the same for a seed however many processes make
them and in whatever order they finish. A chunk comes back as rows ready for the
writer (``desk.demoload.encode``): incident rows with their SLA columns already
measured (``desk.demoload.sla_fill``), journal rows, and audit rows with the part of
their hash that does not depend on the chain, so the single writer only links them.

Worker processes are forked with the generator's state (people, staff, catalogue) in
memory, before the writer opens its transaction: no database connection crosses the
fork, and each job carries only its slots.
"""
from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from desk.common.numbering import format_number
from desk.demodata import population, texts
from desk.demodata.timeline import Ticket, TicketWriter, weighted
from desk.demoload import encode
from desk.demoload.sla_fill import sla_columns
from desk.sla import catalogue

CHUNK = 20_000  # tickets per chunk: part of the seed's meaning, so a constant

MajorInfo = tuple[int, int, str, str, str]  # incident id, resolve time, code, note, service
# (at, kind, major, service, problem): a Slot as a plain tuple, cheap to send to a worker
SlotTuple = tuple[int, str, int, str | None, tuple[int, int] | None]


@dataclass(slots=True)
class Slot:
    """One incident to generate: when, and what kind."""

    at: int
    kind: str = "plain"             # plain | major | child
    major: int = -1                 # index of the major incident (for majors and children)
    service: str | None = None
    problem: tuple[int, int] | None = None

    def as_tuple(self) -> SlotTuple:
        return (self.at, self.kind, self.major, self.service, self.problem)


@dataclass
class GenState:
    """Everything a chunk needs besides its slots (inherited by forked workers)."""

    seed: int
    tickets: TicketWriter
    services: dict[str, tuple[int, int | None]]
    teams: dict[str, int]
    categories: dict[str, int]
    callers: list[population.Caller]
    cat: catalogue.Catalogue
    sla_as_of: int
    sqlite: bool

    def __post_init__(self) -> None:
        svcs = [sv for sv in texts.SERVICES if sv.service in self.services]
        self.svc_by_name = {sv.service: sv for sv in svcs}
        self.svc_weights = tuple((sv, sv.weight) for sv in svcs)
        self.vips = [c for c in self.callers if c.vip_from is not None]
        # A heavy tail: some people call often (re-use a small "frequent callers" set).
        self.frequent = self.callers[: max(1, len(self.callers) // 20)]


@dataclass
class Job:
    index: int                      # chunk number (its random stream)
    first_ticket: int               # position of its first ticket in the whole load
    first_id: int                   # incident id of that ticket
    first_number: int               # INC number of the load's first ticket
    slots: list[SlotTuple]
    majors: dict[int, MajorInfo]


class Jobs:
    """The chunks of a load, made one at a time from the planned slots."""

    def __init__(self, slots: list[Slot], first_id: int, first_number: int, majors: dict[int, MajorInfo],
                 size: int = CHUNK) -> None:
        self.slots, self.first_id, self.first_number, self.majors, self.size = (
            slots, first_id, first_number, majors, size)

    def __len__(self) -> int:
        return -(-len(self.slots) // self.size)

    def __iter__(self) -> Iterator[Job]:
        for k, start in enumerate(range(0, len(self.slots), self.size)):
            yield Job(k, start, self.first_id + start, self.first_number,
                      [sl.as_tuple() for sl in self.slots[start:start + self.size]], self.majors)


@dataclass
class ChunkRows:
    incidents: Any                  # encode.Encoded incident rows
    journal: Any
    audits: list[tuple[Any, str]]   # (row without seq/hash, audit_chain.entry_tail)
    tickets: int


def chunk_rng(seed: int, index: int) -> random.Random:
    return random.Random(f"desk-demo/{seed}/chunk/{index}")


def major_rng(seed: int, major: int) -> random.Random:
    return random.Random(f"desk-demo/{seed}/major/{major}")


def major_ticket(state: GenState, major: int, at: int, incident_id: int, number: str) -> tuple[Ticket, MajorInfo]:
    """Major incident ``major``, from its own random stream (the writer asks for its
    resolution before the chunks start, the chunk that holds it for its rows)."""
    rng = major_rng(state.seed, major)
    tickets = state.tickets
    tickets.rng = rng
    svc_by_name = state.svc_by_name
    svc = svc_by_name.get(rng.choice(["Wi-Fi & Network", "Email & Calendar", "Accounts & Passwords",
                                      "Learning Management", "Research Computing"])) \
        or next(iter(svc_by_name.values()))
    title = texts.fill(rng.choice(svc.major_titles or (f"{svc.service} outage",)), rng)
    service_id, service_team = state.services[svc.service]
    ticket, resolve, code, note = tickets.major(
        incident_id=incident_id, number=number, opened=at, svc=svc, service_id=service_id,
        service_team_id=service_team,
        major_team_id=state.teams.get("Major Incident Team", next(iter(state.teams.values()))),
        category_id=state.categories.get("Connectivity"), title=title,
        description=f"Monitoring: {title}. Many users affected; calls rising at the desk.")
    return ticket, (incident_id, resolve, code, f"Resolved with major incident {number}: {note}", svc.service)


def _ordinary(state: GenState, rng: random.Random, slot: SlotTuple, incident_id: int, number: str,
              majors: dict[int, MajorInfo]) -> Ticket:
    at, kind, major, service, problem = slot
    tickets = state.tickets
    tickets.rng = rng
    svc_by_name = state.svc_by_name
    parent = None
    if kind == "child" and major in majors:
        m_id, m_resolve, m_code, m_note, m_service = majors[major]
        svc = svc_by_name[m_service]
        parent = (m_id, m_resolve, m_code, m_note)
    elif service is not None:
        svc = svc_by_name[service]
    else:
        svc = weighted(rng, state.svc_weights)
    channel = weighted(rng, svc.channels)
    caller = None
    vip = False
    if channel != "monitoring":
        r = rng.random()
        if state.vips and r < 0.004:
            person = rng.choice(state.vips)
        elif r < 0.25:
            person = rng.choice(state.frequent)
        else:
            person = rng.choice(state.callers)
        day = dt.date(1970, 1, 1) + dt.timedelta(days=at // 86_400)
        policy = tickets.priorities.policy
        vip = person.vip_from is not None and at >= person.vip_from and policy is not None \
            and at >= int(policy.published_at.timestamp())
        caller = {"id": person.id, "given": person.given, "acting_status": person.acting_status(day),
                  "department_id": person.department_id, "vip": vip}
    title = texts.fill(rng.choice(svc.titles), rng)
    if rng.random() < 0.01:
        description = rng.choice(texts.FOREIGN)
    else:
        description = texts.fill(rng.choice(svc.descriptions), rng)
    service_id, default_team = state.services[svc.service]
    # A service without a default team goes to the Service Desk, as triage would.
    team_id = default_team or state.teams.get("Service Desk") or min(state.teams.values())
    category_id = state.categories.get(rng.choice(svc.categories))
    return tickets.ordinary(
        incident_id=incident_id, number=number, opened=at, svc=svc, service_id=service_id,
        team_id=team_id, category_id=category_id, channel=channel, caller=caller, vip=vip, title=title,
        description=description, problem=problem, parent=parent)


def generate(state: GenState, job: Job) -> ChunkRows:
    """The rows of one chunk: the same for the same job, in any process."""
    rng = chunk_rng(state.seed, job.index)
    enc = encode.Encoder(state.sqlite)
    incidents = enc.table(encode.INCIDENT_COLUMNS)
    journal = enc.table(encode.JOURNAL_COLUMNS)
    audits: list[tuple[Any, str]] = []
    for j, slot in enumerate(job.slots):
        incident_id = job.first_id + j
        number = format_number("INC", job.first_number + job.first_ticket + j)
        if slot[1] == "major":
            ticket, _ = major_ticket(state, slot[2], slot[0], incident_id, number)
        else:
            ticket = _ordinary(state, rng, slot, incident_id, number, job.majors)
        row = ticket.row
        row.update(sla_columns(state.cat, ticket, state.sla_as_of))
        incidents.add(row)
        for at, actor, fld, old, new, reason in ticket.audits:
            audits.append(enc.audit(at, actor, incident_id, fld, old, new, reason))
        for at, author, kind, body in ticket.journal:
            journal.add({"incident_id": incident_id, "problem_id": None, "kind": kind, "body": body,
                         "author_id": author, "at": at})
    return ChunkRows(incidents.done(), journal.done(), audits, len(job.slots))


# -- worker processes ----------------------------------------------------------------
_STATE: GenState | None = None


def _work(job: Job) -> ChunkRows:
    assert _STATE is not None, "workers are forked after run() set the state"
    return generate(_STATE, job)


def run(state: GenState, jobs: Jobs, workers: int) -> Iterator[ChunkRows]:
    """The chunks of ``jobs`` in order, generated by ``workers`` processes forked now
    (or in this one for ``workers`` < 2). At most two chunks per worker are in flight,
    so memory stays bounded when the writer is the slower side.

    The caller must hold no database connection when it calls this (fork).
    """
    global _STATE
    if workers < 2 or len(jobs) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return (generate(state, job) for job in jobs)
    _STATE = state
    # Objects that exist now move to the permanent generation: a worker's collector then
    # never touches them, so their pages stay shared with this process instead of copied.
    gc.freeze()
    try:
        pool = multiprocessing.get_context("fork").Pool(workers)  # the workers start here
    finally:
        _STATE = None
        gc.unfreeze()
    return _in_order(pool, jobs, workers)


def _in_order(pool: Any, jobs: Jobs, workers: int) -> Iterator[ChunkRows]:
    with pool:
        pending: deque[Any] = deque()
        queue = iter(jobs)
        for job in queue:
            pending.append(pool.apply_async(_work, (job,)))
            if len(pending) >= 2 * workers:
                break
        while pending:
            result = pending.popleft().get()
            nxt = next(queue, None)
            if nxt is not None:
                pending.append(pool.apply_async(_work, (nxt,)))
            yield result
