"""A PostgreSQL front door that asks for a password, for tests against a trust-auth server.

The test server trusts local connections, so a password never matters there and a
client that waits for one cannot be caught. This proxy listens on a free port and
speaks the start of the wire protocol itself: it asks for a clear-text password
(AuthenticationCleartextPassword) and checks it, and only then hands the connection to
the real server, replaying the client's start-up message and relaying bytes both ways.
A real libpq client sees a server that needs a password: without one it fails with
"fe_sendauth: no password supplied", a wrong one gets "password authentication failed"
(SQLSTATE 28P01), the right one gets a working session.
"""
from __future__ import annotations

import contextlib
import socket
import struct
import threading
from dataclasses import dataclass, field

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104


def _read_exact(sock: socket.socket, n: int) -> bytes | None:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def _startup(client: socket.socket) -> bytes | None:
    """The client's start-up message (raw), after refusing SSL and GSS encryption."""
    while True:
        head = _read_exact(client, 8)
        if head is None:
            return None
        length, code = struct.unpack("!ii", head)
        if code in (SSL_REQUEST, GSSENC_REQUEST) and length == 8:
            client.sendall(b"N")
            continue
        rest = _read_exact(client, length - 8)
        return None if rest is None else head + rest


def _params(startup: bytes) -> dict[str, str]:
    parts = startup[8:].split(b"\0")
    return {parts[i].decode(): parts[i + 1].decode() for i in range(0, len(parts) - 1, 2) if parts[i]}


def _error(code: str, message: str) -> bytes:
    body = b"".join(k + v.encode() + b"\0" for k, v in
                    ((b"S", "FATAL"), (b"V", "FATAL"), (b"C", code), (b"M", message))) + b"\0"
    return b"E" + struct.pack("!i", len(body) + 4) + body


def _pipe(src: socket.socket, dst: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := src.recv(65536):
            dst.sendall(data)
    for s in (src, dst):
        with contextlib.suppress(OSError):
            s.shutdown(socket.SHUT_RDWR)


@dataclass
class PasswordProxy:
    """Listens on 127.0.0.1:``port``; ``passwords`` maps user → the password it needs."""

    upstream: tuple[str, int]
    passwords: dict[str, str]
    # What each connection attempt offered: (user, password), None = gave up without one.
    offered: list[tuple[str, str | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True, name="pg-password-proxy").start()

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            startup = _startup(client)
            if startup is None:
                client.close()
                return
            user = _params(startup).get("user", "")
            client.sendall(b"R" + struct.pack("!ii", 8, 3))  # send me your password, in clear
            head = _read_exact(client, 5)
            if head is None:  # libpq hangs up when it has no password to give
                self.offered.append((user, None))
                client.close()
                return
            kind, length = head[:1], struct.unpack("!i", head[1:])[0]
            payload = _read_exact(client, length - 4) or b""
            password = payload.rstrip(b"\0").decode("utf-8", "replace")
            self.offered.append((user, password))
            if kind != b"p" or self.passwords.get(user) != password:
                client.sendall(_error("28P01", f'password authentication failed for user "{user}"'))
                client.close()
                return
            server = socket.create_connection(self.upstream)
            server.sendall(startup)
            threading.Thread(target=_pipe, args=(server, client), daemon=True).start()
            _pipe(client, server)
        except OSError:
            client.close()
