"""A real SMTP server (aiosmtpd) on a free local port that can be told to answer 4xx or
5xx or to be down, an in-memory keyring, and a desk with mail switched on."""
from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import keyring
import pytest
from aiosmtpd.controller import Controller

from desk.actor import Actor
from desk.bootstrap import Services
from tests.keyrings import MemoryKeyring

DESK_ADDRESS = "servicedesk@example.edu"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage


@dataclass
class Handler:
    """What the server answers: RCPT and DATA replies can be set per test."""

    messages: list[Received] = field(default_factory=list)
    keep: bool = True             # False: only count (a benchmark measures Desk, not this list)
    count: int = 0
    rcpt_reply: str = "250 OK"
    data_reply: str = "250 Message accepted for delivery"
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if not self.rcpt_reply.startswith("250"):
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if not self.data_reply.startswith("250"):
            return self.data_reply
        with self.lock:
            self.count += 1
            if self.keep:
                msg = message_from_bytes(envelope.content, policy=policy.default)
                self.messages.append(Received(list(envelope.rcpt_tos), msg))  # type: ignore[arg-type]
        return self.data_reply


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Handler()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_on(services: Services, admin: Actor, smtp: SmtpServer, memory_keyring: MemoryKeyring) -> Services:
    services.mail.setup(admin, smtp=smtp.url, security="none", from_address=DESK_ADDRESS,
                        from_name="IT Service Desk", enabled=True)
    return services
