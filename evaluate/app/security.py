"""The app's guard: a local server is still a server.

Every request passes through :class:`Guard`, an ASGI middleware, before any
page sees it:

- a ``Host`` header that is not this computer gets 403 (a web page elsewhere
  cannot reach the app by rebinding its own name to 127.0.0.1);
- the random token in the address the command printed is exchanged once for
  an HttpOnly, SameSite=Strict cookie (and the address without the token);
  any request without that cookie gets 403;
- every change (POST) carries the session's CSRF token (``?csrf=`` in the
  form's address, or an ``X-CSRF-Token`` header) and, when the browser says
  where it comes from, an ``Origin`` of the app itself; otherwise 403;
- a body larger than the upload cap gets 413, before it is read when its
  length is declared, and as soon as it passes the cap when it is not;
- every response says ``Content-Security-Policy: default-src 'self'`` (no
  request leaves the machine), no caching, no referrer, no framing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlencode

__all__ = ["Guard", "Secrets", "COOKIE", "LOOPBACK_HOSTS", "CSP", "host_name", "BodyTooLarge"]

COOKIE = "evaluate_session"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
CSP = ("default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
       "object-src 'none'")
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class BodyTooLarge(Exception):
    """The request's body passed the upload cap."""


class Secrets:
    """The token printed at start, the sessions it opened, and their CSRF tokens."""

    def __init__(self, token: str | None = None):
        self.token = token or secrets.token_urlsafe(24)
        self._key = secrets.token_bytes(32)
        self._sessions: set[str] = set()

    def open_session(self) -> str:
        session = secrets.token_urlsafe(32)
        self._sessions.add(session)
        return session

    def valid_session(self, session: str | None) -> bool:
        return bool(session) and session in self._sessions

    def csrf_for(self, session: str) -> str:
        return hmac.new(self._key, session.encode(), hashlib.sha256).hexdigest()[:32]

    def valid_csrf(self, session: str, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(self.csrf_for(session), given)

    def token_matches(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(self.token, given)


def host_name(host: str) -> str:
    """``"127.0.0.1:8000"`` → ``"127.0.0.1"``, ``"[::1]:80"`` → ``"::1"``.

    >>> host_name("[::1]:8000"), host_name("localhost"), host_name("Example.com:80")
    ('::1', 'localhost', 'example.com')
    """
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host[1:]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def _cookie(scope) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    jar = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed cookie header is no session
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel else None


class Guard:
    """ASGI middleware enforcing the rules in this module's docstring.

    ``allowed_hosts`` are the host names (no port) the app answers to;
    ``max_body`` the largest request body in bytes; ``forbidden`` an ASGI
    app drawing the 403 page, called with ``scope["evaluate.why"]`` set.
    """

    def __init__(self, app, *, secrets_: Secrets, allowed_hosts, max_body: int, forbidden,
                 too_large):
        self.app = app
        self.secrets = secrets_
        self.allowed = {h.lower() for h in allowed_hosts}
        self.max_body = int(max_body)
        self.forbidden = forbidden
        self.too_large = too_large

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send)
        host = _header(scope, b"host")
        if host is None or host_name(host) not in self.allowed:
            await self._refuse(scope, receive, send, "host")
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        session = _cookie(scope)
        if not self.secrets.valid_session(session):
            given = (query.get("token") or [None])[0]
            if scope["method"] == "GET" and self.secrets.token_matches(given):
                await self._exchange(scope, query, send)
                return
            await self._refuse(scope, receive, send, "token")
            return
        scope.setdefault("state", {})
        scope["state"]["session"] = session
        scope["state"]["csrf"] = self.secrets.csrf_for(session)
        if scope["method"] not in ("GET", "HEAD"):
            given = (query.get("csrf") or [None])[0] or _header(scope, b"x-csrf-token")
            origin = _header(scope, b"origin")
            if not self.secrets.valid_csrf(session, given) or (
                    origin not in (None, "null") and host_name(origin.split("//", 1)[-1])
                    not in self.allowed):
                await self._refuse(scope, receive, send, "csrf")
                return
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await self.too_large(scope, receive, send)
            return
        started = False

        async def sending(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, _capped(receive, self.max_body), sending)
        except BodyTooLarge:
            if not started:
                await self.too_large(scope, receive, send)

    async def _refuse(self, scope, receive, send, why: str) -> None:
        scope = {**scope, "evaluate.why": why}
        await self.forbidden(scope, receive, send)

    async def _exchange(self, scope, query, send) -> None:
        """The token's one job: set the session cookie and go to the same page without it."""
        session = self.secrets.open_session()
        rest = {k: v for k, v in query.items() if k != "token"}
        location = scope.get("path", "/") + (("?" + urlencode(rest, doseq=True)) if rest else "")
        cookie = (f"{COOKIE}={session}; HttpOnly; SameSite=Strict; Path=/")
        await send({"type": "http.response.start", "status": 303, "headers": [
            (b"location", location.encode("latin-1")), (b"set-cookie", cookie.encode()),
            (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})


def _with_headers(send):
    async def sending(message):
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", [])
                       if k.lower() != b"content-security-policy"]
            own = dict(message.get("headers", []))
            csp = own.get(b"content-security-policy", CSP.encode())  # a page may narrow it
            message = {**message, "headers": [*headers, (b"content-security-policy", csp),
                                              *[h for h in HEADERS if h[0] not in own]]}
        await send(message)
    return sending


def _capped(receive, limit: int):
    seen = 0

    async def receiving():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge()
        return message
    return receiving
