"""The desk's mail settings, shared by every workstation (one row in ``mail_settings``)."""
from __future__ import annotations

from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from urllib.parse import urlsplit

from desk.errors import InvalidInput

SECURITY = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


@dataclass(frozen=True)
class MailConfig:
    enabled: bool = False
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_auth: bool = False
    from_address: str = ""
    from_name: str = "IT Service Desk"
    imap_host: str = ""
    imap_port: int = 993
    imap_security: str = "tls"
    imap_user: str = ""
    imap_mailbox: str = "INBOX"
    flood_per_hour: int = 10
    version: int = 0

    @property
    def imap_configured(self) -> bool:
        return bool(self.imap_host and self.imap_user)

    @property
    def imap_key(self) -> str:
        """user@host:port, the keyring's name for the mailbox's password."""
        return f"{self.imap_user}@{self.imap_host}:{self.imap_port}"

    @property
    def configured(self) -> bool:
        return bool(self.smtp_host and self.from_address)

    @property
    def domain(self) -> str:
        """The domain of the desk's address: Message-IDs are ours under it."""
        return self.from_address.rpartition("@")[2].lower() or "desk.invalid"

    @property
    def server(self) -> str:
        """host:port, the keyring's name for this server's login."""
        return f"{self.smtp_host}:{self.smtp_port}"

    def describe(self) -> str:
        if not self.configured:
            return "not set up (desk mail setup --smtp smtp://HOST:PORT --from ADDRESS)"
        state = "on" if self.enabled else "off"
        login = "with a login" if self.smtp_auth else "without a login"
        security = {"starttls": "STARTTLS", "tls": "TLS", "none": "no TLS"}[self.smtp_security]
        out = (f"{state}: smtp://{self.server} ({security}, {login}), "
               f"from {self.from_name} <{self.from_address}>")
        if self.imap_configured:
            scheme = "imaps" if self.imap_security == "tls" else "imap"
            out += f"; reads {scheme}://{self.imap_user}@{self.imap_host}:{self.imap_port}/{self.imap_mailbox}"
        return out


def parse_smtp_url(url: str, security: str | None) -> tuple[str, int, str]:
    """``smtp://HOST[:PORT]`` (or ``smtps://``, which means TLS) → host, port, security."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise InvalidInput(f"{url!r} is not an SMTP address; write smtp://HOST:PORT (smtps:// for TLS).", "smtp")
    if parts.username or parts.password:
        raise InvalidInput("Put no login in the SMTP address; give --user and --password-stdin instead "
                           "(the password goes to the keyring, never the database).", "smtp")
    chosen = security or ("tls" if parts.scheme == "smtps" else "starttls")
    if chosen not in SECURITY:
        raise InvalidInput(f"Unknown security {chosen!r}: starttls, tls or none.", "smtp")
    try:
        port = parts.port or DEFAULT_PORTS[chosen]
    except ValueError:
        raise InvalidInput(f"The port in {url!r} is not a number from 1 to 65535.", "smtp") from None
    return parts.hostname, port, chosen


def check_address(value: str, what: str = "address") -> str:
    """One plain e-mail address (no name, no second address, no line breaks)."""
    value = value.strip()
    if not value or any(c in value for c in "\r\n,;<> ") or value.count("@") != 1:
        raise InvalidInput(f"{value!r} is not an e-mail address ({what}).", what)
    try:
        address = Address(addr_spec=value)
    except (HeaderParseError, ValueError, IndexError):
        raise InvalidInput(f"{value!r} is not an e-mail address ({what}).", what) from None
    if not address.domain or "." not in address.domain:
        raise InvalidInput(f"{value!r} has no full domain after the @ ({what}).", what)
    return address.addr_spec
