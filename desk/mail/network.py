"""A connection's failure in words (TLS, a timeout, no connection), shared by the SMTP
sender and the IMAP reader; never the password, never a traceback."""
from __future__ import annotations

import socket
import ssl


def describe_connection(exc: BaseException, timeout_s: float) -> str:
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed: {exc.reason or exc.__class__.__name__}"
    if isinstance(exc, socket.timeout | TimeoutError):
        return f"no answer within {timeout_s:g} s"
    if isinstance(exc, OSError):
        return f"cannot connect: {exc.strerror or exc.__class__.__name__}"
    return exc.__class__.__name__
