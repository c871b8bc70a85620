"""Which servers the fal.ai client may contact, and which of them may see the key.

A provider's answer is not trusted: a submit answer names the status, result and cancel URLs, a
result names the file to download, fal storage names where to upload. Each is held to a rule
for its kind of destination before anything is sent (`UrlPolicy.check`), and every connection
is held to the rule again at connect time, on the address actually connected to (`GuardedAdapter`):

- queue: exactly the configured queue origin (scheme, host and port), e.g. https://queue.fal.run;
- rest: exactly the configured REST origin (storage uploads are initiated there);
- media: a host the registry lists under `media_hosts` (https only), or, when the configured
  queue is on this machine (the tests' fake fal), the configured origins themselves.

Names are resolved once, each address is checked, and the socket is connected to that checked
address: a name that resolves to a public address for the check and to 127.0.0.1 a moment later
(DNS rebinding) cannot slip through. Loopback, private, link-local, reserved, multicast and
unspecified addresses are refused, except loopback when the configured queue is loopback.
Through a proxy set in the environment the proxy resolves names; the name rules still apply.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as u3connection

from .base import GenerationError

Dest = Literal["queue", "rest", "media"]
DEFAULT_PORTS = {"http": 80, "https": 443}
# one label of a host name: letters, digits and inner hyphens (fullmatch: "$" would pass "a\n")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    """Provider URLs must be https; plain http only to this machine (the tests' fake fal)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and is_loopback(parts.hostname):
        return url
    raise GenerationError("insecure_url", f"Refusing to contact {parts.hostname or url!r}: fal.ai addresses must "
                          "use https.")


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if DEFAULT_PORTS.get(self.scheme) == self.port else f"{host}:{self.port}"


def _refused(url: str, why: str) -> GenerationError:
    return GenerationError("untrusted_url", f"fal.ai's answer pointed at {why}; Reelcut refused to contact it.")


def origin_of(url: str) -> Origin:
    """The origin a URL names, read the way requests/urllib3 will read it. A URL that two parsers
    could read differently (user info, backslashes, spaces) is refused rather than guessed at:
    the check and the connection must agree on the host."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port or DEFAULT_PORTS.get(scheme)
        parsed = urllib3.util.parse_url(url)
    except (ValueError, urllib3.exceptions.LocationParseError):
        raise _refused(url, "an address Reelcut could not read") from None
    other = (parsed.host or "").strip("[]").lower().rstrip(".")
    if (not host or port is None or "@" in parts.netloc or "\\" in url or any(c.isspace() for c in url)
            or other != host or (parsed.port or DEFAULT_PORTS.get(scheme)) != port):
        raise _refused(url, "an address Reelcut could not read safely")
    return Origin(scheme, host, port)


@dataclass(frozen=True)
class HostRule:
    """One `media_hosts` entry of the registry: https://fal.media, or https://*.fal.media for
    any of its subdomains (as in a CSP source, which the same data also feeds)."""

    scheme: str
    host: str
    port: int
    subdomains: bool

    @classmethod
    def parse(cls, entry: str) -> HostRule:
        """The rule an entry states, or ValueError naming the entry and what is wrong with it: a
        malformed pattern must not quietly match nothing (or, worse, something else)."""
        def bad(why: str) -> ValueError:
            return ValueError(f"The media host {entry!r} in the model registry is not valid: {why}. Write it "
                              "as https://host.example or https://*.host.example.")

        if not isinstance(entry, str):
            raise bad("it is not text")
        if any(c.isspace() or not c.isprintable() for c in entry):
            raise bad("it holds white space or a control character")  # urlsplit drops "\n" silently
        parts = urlsplit(entry)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS or not entry.lower().startswith(scheme + "://"):
            raise bad("it has no http or https scheme")
        if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc:
            raise bad("it names more than a scheme, a host and a port")
        netloc = parts.netloc.lower()
        wild = netloc.startswith("*.")
        host = netloc[2:] if wild else netloc
        name, colon, port = host.partition(":")
        if name.endswith("."):
            name = name[:-1]  # the root's dot: fal.media. is fal.media
        labels = name.split(".")
        if not name or any(not _LABEL.fullmatch(label) for label in labels):
            raise bad("its host name has an empty or invalid part")
        if colon and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
            raise bad("its port is not a number from 1 to 65535")
        if wild and len(labels) < 2:
            raise bad("a wildcard must stand before a domain with a dot in it")
        return cls(scheme, name, int(port) if port else DEFAULT_PORTS[scheme], wild)

    def matches(self, origin: Origin) -> bool:
        if (origin.scheme, origin.port) != (self.scheme, self.port):
            return False
        return origin.host.endswith("." + self.host) if self.subdomains else origin.host == self.host


def address_problem(ip: str, allow_loopback: bool) -> str | None:
    """Why a resolved address must not be contacted, or None when it may."""
    addr: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if addr.is_loopback:
        return None if allow_loopback else "this computer (a loopback address)"
    checks = (("is_unspecified", "an unspecified address"), ("is_link_local", "a link-local address"),
              ("is_multicast", "a multicast address"), ("is_private", "a private network address"),
              ("is_reserved", "a reserved address"))
    for attr, words in checks:
        if getattr(addr, attr):
            return words
    return None if addr.is_global else "a non-public address"


class UrlPolicy:
    """The rules above, for one configured queue and REST origin and the registry's media hosts."""

    def __init__(self, queue_url: str, rest_url: str, media_hosts: list[str]) -> None:
        self.queue = origin_of(check_url(queue_url))
        self.rest = origin_of(check_url(rest_url))
        # The tests' fake fal runs on loopback: then, and only then, this machine may be contacted,
        # and the fake's own origins stand in for fal's file hosts. Any other port stays refused.
        self.local = is_loopback(self.queue.host)
        self.media = [HostRule.parse(h) for h in media_hosts]
        self.local_media = {self.queue, self.rest} if self.local else set()

    def check(self, url: str, to: Dest) -> Origin:
        """The URL's origin if `to` may go there; else a GenerationError a user can read."""
        check_url(url)
        origin = origin_of(url)
        if to == "queue" and origin != self.queue:
            raise _refused(url, f"another server ({origin})")
        if to == "rest" and origin != self.rest:
            raise _refused(url, f"another server ({origin})")
        if to == "media" and not self.is_media(origin):
            raise _refused(url, f"a server that is not one of fal.ai's file hosts ({origin})")
        return origin

    def is_media(self, origin: Origin) -> bool:
        return origin in self.local_media or any(rule.matches(origin) for rule in self.media)

    def may_connect(self, origin: Origin) -> bool:
        return origin in (self.queue, self.rest) or self.is_media(origin)

    def key_goes_to(self, url: str, to: Dest) -> bool:
        """The key is sent only on queue and REST requests, and only to their configured origin:
        never to a file host, an upload URL, or wherever an answer or a redirect points."""
        try:
            origin = origin_of(url)
        except GenerationError:
            return False
        return (to == "queue" and origin == self.queue) or (to == "rest" and origin == self.rest)

    def checked_address(self, scheme: str, host: str, port: int) -> list[tuple[Any, ...]]:
        """Resolve once and return getaddrinfo's answers, each checked; raise if the name is not
        one this client may contact or any answer is an address it must not."""
        origin = Origin(scheme, host.strip("[]").lower().rstrip("."), port)
        if not self.may_connect(origin):
            raise _refused(f"{scheme}://{origin}", f"a server it may not contact ({origin})")
        answers = socket.getaddrinfo(origin.host, port, u3connection.allowed_gai_family(), socket.SOCK_STREAM)
        for *_, sockaddr in answers:
            problem = address_problem(sockaddr[0], allow_loopback=self.local)
            if problem:
                # one bad answer taints the name: a round-robin mix is how rebinding attacks hide
                raise GenerationError("untrusted_address", f"{origin} leads to {problem} ({sockaddr[0]}); Reelcut "
                                      "refused to connect to it.")
        return answers


class _Guarded:
    """The connection half of the policy: connect only to an address that was just checked."""

    guard: UrlPolicy | None
    host: str
    port: int
    timeout: Any
    source_address: tuple[str, int] | None
    socket_options: Any
    scheme: str

    def _new_conn(self) -> socket.socket:
        assert self.guard is not None, "a guarded connection needs its policy"
        try:
            answers = self.guard.checked_address(self.scheme, self.host, self.port)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        last: OSError | None = None
        for *_, sockaddr in answers:
            try:
                # an IP literal: create_connection does no second lookup, so the peer is the
                # address checked above
                return u3connection.create_connection((sockaddr[0], self.port), self.timeout,
                                                      source_address=self.source_address,
                                                      socket_options=self.socket_options)
            except TimeoutError as exc:
                raise ConnectTimeoutError(self, f"Connection to {self.host} timed out.") from exc
            except OSError as exc:
                last = exc
        raise NewConnectionError(self, f"Failed to establish a new connection: {last}")


class _GuardedHTTPConnection(_Guarded, HTTPConnection):
    scheme = "http"

    def __init__(self, *args: Any, guard: UrlPolicy | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.guard = guard


class _GuardedHTTPSConnection(_Guarded, HTTPSConnection):
    scheme = "https"

    def __init__(self, *args: Any, guard: UrlPolicy | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.guard = guard


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedPoolManager(urllib3.PoolManager):
    def __init__(self, guard: UrlPolicy, **kw: Any) -> None:
        super().__init__(**kw)
        self.guard = guard
        self.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}

    def _new_pool(self, scheme: str, host: str, port: int,
                  request_context: dict[str, Any] | None = None) -> HTTPConnectionPool:
        pool = super()._new_pool(scheme, host, port, request_context)
        pool.conn_kw["guard"] = self.guard  # handed to every connection the pool opens
        return pool


class GuardedAdapter(HTTPAdapter):
    """A requests transport whose every direct connection is checked by `policy`."""

    def __init__(self, policy: UrlPolicy) -> None:
        self.policy = policy  # before super().__init__, which builds the pool manager
        super().__init__()

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any) -> None:
        self._pool_connections, self._pool_maxsize, self._pool_block = connections, maxsize, block
        self.poolmanager = _GuardedPoolManager(self.policy, num_pools=connections, maxsize=maxsize, block=block,
                                               **pool_kwargs)


class KeyAuth(requests.auth.AuthBase):
    """Puts the key on a request only when the policy says its (prepared, final) URL may have it,
    and strips any Authorization otherwise: the decision is made on the URL actually sent."""

    def __init__(self, key: str, policy: UrlPolicy, to: Dest) -> None:
        self.key = key
        self.policy = policy
        self.to = to

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        if r.url and self.policy.key_goes_to(r.url, self.to):
            r.headers["Authorization"] = f"Key {self.key}"
        else:
            r.headers.pop("Authorization", None)
        return r
