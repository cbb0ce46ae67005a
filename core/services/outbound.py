"""Outgoing HTTP to addresses users choose (monitoring webhooks): where it may go, and a POST
that goes exactly there.

A URL a user types must not turn the server into a proxy into its own network (SSRF): the
database, Redis, the cloud's metadata service, other hosts of the LAN. `destination_check`
resolves the host and refuses loopback, private, shared (CGNAT), link-local (cloud metadata
169.254.169.254 among them), multicast, reserved and unspecified addresses, in every spelling
(IPv4, IPv6, IPv4-mapped and -embedded IPv6, and the legacy numeric forms 2130706433,
0x7f000001, 0177.0.0.1, 127.1), and the host names of metadata services and `localhost`,
unless the operator's allow-list names the host, the address or its network.

`post_pinned` then connects to one of the addresses that were checked (never resolving the name
again, so DNS cannot answer differently between the check and the connection), sends the Host
header and TLS server name of the URL, follows no redirect, uses no proxy, and stops at a total
deadline and a response size. Callers check again at every send: a name may point elsewhere
since it was saved.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.errors import InputError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Names of cloud metadata services (they resolve to link-local addresses there, which are refused
# anyway; refusing the name too says why, and holds where the name resolves differently).
METADATA_HOSTS = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.azure.internal",
    }
)
# Metadata addresses outside the link-local range (Alibaba Cloud; AWS's IPv6 endpoint is a ULA).
METADATA_ADDRESSES = frozenset({ipaddress.ip_address("100.100.100.200"), ipaddress.ip_address("fd00:ec2::254")})
# What inet_aton accepts and browsers and libc still resolve: 1 to 4 parts, each decimal, octal
# (leading 0) or hex (0x): 2130706433, 0x7f000001, 0177.0.0.1, 127.1.
_LEGACY_IPV4 = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}\.?", re.IGNORECASE)
MAX_URL_LENGTH = 1000
WEBHOOK_REFUSAL_HINT = (
    "webhooks only go to public addresses (an operator can allow a host with MONITORING_WEBHOOK_ALLOWED_HOSTS)"
)


class DestinationRefused(InputError):
    """A URL whose host is, or resolves to, an address outgoing requests must not reach."""


@dataclass(frozen=True)
class Destination:
    """A checked URL: where to connect (`addresses`, all allowed) and what to ask for."""

    url: str
    scheme: str
    host: str  # as in the URL, lower-cased, without brackets
    port: int
    target: str  # path and query, as sent in the request line
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class OutboundResponse:
    status: int
    body: bytes  # at most the caller's max_bytes
    seconds: float


class OutboundError(Exception):
    """The request could not be made or answered in time; the message is short and safe to show."""


def resolve_host(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to (the system resolver). Replaced in tests, which run offline."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def literal_address(host: str) -> IPAddress | None:
    """The address a host written as an IP literal stands for (any legacy IPv4 form), else None."""
    text = host.strip("[]")
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        pass
    if _LEGACY_IPV4.fullmatch(text):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text.rstrip(".")))
        except OSError:
            return None
    return None


def _is_standard_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


def address_refusal(address: IPAddress) -> str | None:
    """Why outgoing requests must not reach `address` (None when it is a public unicast address)."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        reason = address_refusal(embedded)
        return f"{reason} ({embedded} inside an IPv6 address)" if reason else None
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    checks = (
        ("is_unspecified", "an unspecified address"),
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address (cloud metadata lives there)"),
        ("is_multicast", "a multicast address"),
        ("is_private", "a private address"),
        ("is_reserved", "a reserved address"),
    )
    for attribute, reason in checks:
        if getattr(address, attribute):
            return reason
    if not address.is_global:
        return "not a public address"
    return None


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped ::ffff:a.b.c.d, 6to4, Teredo, NAT64)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in ipaddress.IPv6Network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


@dataclass(frozen=True)
class AllowList:
    """The operator's exceptions: host names (exact), addresses and networks (CIDR)."""

    names: frozenset[str]
    networks: tuple[IPNetwork, ...]

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        names: set[str] = set()
        networks: list[IPNetwork] = []
        for raw in entries:
            entry = raw.strip().lower().rstrip(".")
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                names.add(entry)
        return cls(frozenset(names), tuple(networks))

    def allows_name(self, host: str) -> bool:
        return host in self.names

    def allows_address(self, address: IPAddress) -> bool:
        return any(address.version == net.version and address in net for net in self.networks)


def destination_check(
    url: str,
    *,
    allowed: Iterable[str] = (),
    field: str = "url",
    resolve: Callable[[str, int], list[str]] | None = None,
    refusal_hint: str = WEBHOOK_REFUSAL_HINT,
    unresolved_ok: bool = False,
) -> Destination:
    """Check that `url` is an http(s) URL whose host is, and resolves only to, addresses outgoing
    requests may reach (or that `allowed` names). Raises DestinationRefused (an InputError
    naming `field`) saying which address was refused and why, followed by `refusal_hint`.

    With `unresolved_ok`, a name that does not resolve passes with no addresses: for callers
    whose own transport resolves it (and then fails as any unreachable host does), where
    "cannot be resolved" is not the user's mistake to correct."""
    url = (url or "").strip()
    if len(url) > MAX_URL_LENGTH:
        raise InputError(f"at most {MAX_URL_LENGTH} characters", field=field)
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in url):
        raise InputError("must not contain spaces or control characters", field=field)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError("must be an http(s) URL", field=field)
    try:
        host = (parts.hostname or "").rstrip(".").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:  # a port that is not a number or out of range
        raise InputError("the port is not valid", field=field) from exc
    if not host:
        raise InputError("must name a host", field=field)
    allow = AllowList.parse(allowed)
    target = parts.path or "/"
    if parts.query:
        target = f"{target}?{parts.query}"
    named = allow.allows_name(host)
    literal = literal_address(host)
    if literal is not None:
        addresses = [str(literal)]
    else:
        if not named and (host == "localhost" or host.endswith(".localhost")):
            raise DestinationRefused(f"refused: {host} is this server itself", field=field)
        if not named and host in METADATA_HOSTS:
            raise DestinationRefused(f"refused: {host} is a cloud metadata service", field=field)
        try:
            addresses = (resolve or resolve_host)(host, port)
        except (OSError, UnicodeError) as exc:
            if unresolved_ok:
                return Destination(url=url, scheme=parts.scheme, host=host, port=port, target=target, addresses=())
            raise InputError(f"the host {host} cannot be resolved (check the spelling)", field=field) from exc
        if not addresses and not unresolved_ok:
            raise InputError(f"the host {host} cannot be resolved (check the spelling)", field=field)
    if not named:
        for text in addresses:
            address = ipaddress.ip_address(text.split("%", 1)[0])
            reason = address_refusal(address)
            if reason and not allow.allows_address(address):
                if literal is None:
                    what = f"{host} resolves to {address}, {reason}"
                elif not _is_standard_literal(host):
                    what = f"{host} ({address}) is {reason}"
                else:
                    what = f"{host} is {reason}"
                raise DestinationRefused(f"refused: {what}; {refusal_hint}", field=field)
    return Destination(url=url, scheme=parts.scheme, host=host, port=port, target=target, addresses=tuple(addresses))


# --- sending -------------------------------------------------------------------------------


def open_socket(address: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to `address` (an IP, already checked). Tests replace it to keep the suite
    off the network (only loopback receivers they start themselves)."""
    return socket.create_connection((address, port), timeout=timeout)


def _tls_context() -> ssl.SSLContext:
    try:
        import certifi  # requests' CA bundle, the one the platform's other HTTP calls trust
    except ImportError:  # pragma: no cover - certifi comes with requests
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


class _PinnedConnection(http.client.HTTPConnection):
    """HTTP(S) to a fixed address; the URL's host is only the Host header and the TLS name."""

    def __init__(self, destination: Destination, address: str, timeout: float) -> None:
        super().__init__(destination.host, destination.port, timeout=timeout)
        self.destination = destination
        self.address = address

    def connect(self) -> None:
        sock = open_socket(self.address, self.destination.port, float(self.timeout or 10))
        if self.destination.scheme == "https":
            # Verified against the URL's host name; an IP literal is checked as an IP.
            sock = _tls_context().wrap_socket(sock, server_hostname=self.destination.host)
        self.sock = sock


def post_pinned(
    destination: Destination,
    *,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
    max_bytes: int = 4096,
) -> OutboundResponse:
    """POST `body` to the checked destination: each of its addresses in turn until one connects,
    no redirects, at most `timeout` seconds in all (connecting, sending, and reading at most
    `max_bytes` of the answer). Raises OutboundError with a short reason."""
    started = time.monotonic()
    deadline = started + timeout
    last_error = "no address to connect to"
    for address in destination.addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise OutboundError("timed out")
        connection = _PinnedConnection(destination, address, timeout=remaining)
        try:
            try:
                connection.connect()
            except TimeoutError:
                last_error = "timed out connecting"
                continue
            except ssl.SSLError as exc:
                raise OutboundError(f"TLS error ({exc.reason or 'handshake failed'})") from exc
            except ConnectionRefusedError:
                last_error = "connection refused"
                continue
            except OSError as exc:
                last_error = f"could not connect ({exc.strerror or type(exc).__name__})"
                continue
            return _exchange(connection, destination, body, headers, deadline, max_bytes, started)
        finally:
            connection.close()
    raise OutboundError(last_error)


def _exchange(
    connection: _PinnedConnection,
    destination: Destination,
    body: bytes,
    headers: dict[str, str],
    deadline: float,
    max_bytes: int,
    started: float,
) -> OutboundResponse:
    def left() -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise OutboundError("timed out")
        return remaining

    try:
        sock = connection.sock  # kept: http.client drops it from the connection once the answer arrives
        assert sock is not None
        sock.settimeout(left())
        connection.request("POST", destination.target, body=body, headers=headers)
        sock.settimeout(left())
        response = connection.getresponse()
        chunks: list[bytes] = []
        size = 0
        while size < max_bytes:
            sock.settimeout(left())  # each read waits at most until the deadline
            chunk = response.read1(min(1024, max_bytes - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OutboundError:
        raise
    except TimeoutError as exc:
        raise OutboundError("timed out waiting for the answer") from exc
    except ssl.SSLError as exc:
        raise OutboundError(f"TLS error ({exc.reason or 'handshake failed'})") from exc
    except (http.client.HTTPException, OSError) as exc:
        raise OutboundError(f"the connection failed ({type(exc).__name__})") from exc
    return OutboundResponse(status=int(response.status), body=b"".join(chunks), seconds=time.monotonic() - started)


def excerpt(data: bytes, limit: int = 200) -> str:
    """A short, printable excerpt of an answer: decoded leniently, control characters and runs of
    white space collapsed to one space, at most `limit` characters."""
    text = data.decode("utf-8", errors="replace")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
