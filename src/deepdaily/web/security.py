"""Who may use the review UI, and the CSRF check on every change it makes.

Pure logic, no web framework: :mod:`deepdaily.web.app` calls it from a middleware.

- **Binding.** ``deepdaily serve`` binds 127.0.0.1 by default; any other address needs a
  token (``--token`` or ``DEEPDAILY_SERVE_TOKEN``) of at least :data:`MIN_TOKEN_LENGTH`
  characters (:func:`check_binding` refuses otherwise, in one line).
- **Token.** With a token every request carries it: a ``?token=`` login sets an HttpOnly,
  SameSite=Strict cookie (holding a keyed hash of the token, never the token) and redirects to
  the same page without it; API clients send ``Authorization: Bearer TOKEN`` or
  ``X-Deepdaily-Token``. Tokens are compared in constant time.
- **Sessions and CSRF.** Every browser gets a random session cookie; its CSRF token is a keyed
  hash of the session id with a secret made when the app starts (so a restart ends sessions).
  Every POST must carry that token in the form field ``csrf`` (or ``X-CSRF-Token``), else 403.
- **Host.** Bound to loopback, only loopback ``Host`` headers are answered, so a page that
  rebinds its own name to 127.0.0.1 cannot read the review.

No secret (token, session id, CSRF token) is logged or put into an error message.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from deepdaily.errors import UsageError

__all__ = [
    "AUTH_COOKIE",
    "CSRF_FIELD",
    "MIN_TOKEN_LENGTH",
    "SESSION_COOKIE",
    "TOKEN_ENV",
    "Guard",
    "check_binding",
    "is_loopback",
]

TOKEN_ENV = "DEEPDAILY_SERVE_TOKEN"
SESSION_COOKIE = "deepdaily_session"
AUTH_COOKIE = "deepdaily_auth"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
TOKEN_HEADER = "x-deepdaily-token"
MIN_TOKEN_LENGTH = 16
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    name = host.strip().strip("[]").lower()
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_binding(host: str, token: str | None) -> None:
    """Refuse, in one line, a bind beyond loopback without a long enough token."""
    if is_loopback(host):
        return
    if not token:
        raise UsageError(
            f"--host {host}: binding beyond 127.0.0.1 needs a token (--token or {TOKEN_ENV})"
        )
    if len(token) < MIN_TOKEN_LENGTH:
        raise UsageError(
            f"--host {host}: the token is too short ({len(token)} characters; at least "
            f"{MIN_TOKEN_LENGTH}, e.g. from `python -c 'import secrets; "
            "print(secrets.token_urlsafe())'`)"
        )


def _digest(key: bytes, label: str, value: str) -> str:
    return hmac.new(key, f"{label}\0{value}".encode(), hashlib.sha256).hexdigest()


@dataclass
class Guard:
    """The token (if any), the host rule and the session secret of one running app."""

    token: str | None = None
    loopback_only: bool = True  # answer loopback Host headers only
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    def __repr__(self) -> str:  # never show the token
        return f"Guard(token={'set' if self.token else 'none'}, loopback={self.loopback_only})"

    # -- host ------------------------------------------------------------------------------

    def host_allowed(self, host_header: str) -> bool:
        if not self.loopback_only:
            return True
        host = host_header.strip()
        if host.startswith("["):
            name = host[1 : host.find("]")] if "]" in host else host
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return bool(name) and is_loopback(name)

    # -- token -----------------------------------------------------------------------------

    def token_matches(self, offered: str | None) -> bool:
        if not self.token or not offered:
            return False
        return hmac.compare_digest(offered.encode(), self.token.encode())

    def auth_cookie_value(self) -> str:
        """What the login cookie holds: a keyed hash of the token, not the token."""
        return _digest(self.secret, "auth", self.token or "")

    def authorised(self, headers: Mapping[str, str], cookies: Mapping[str, str]) -> bool:
        """True when no token is configured, or the request carries it (header or cookie)."""
        if not self.token:
            return True
        bearer = headers.get("authorization", "")
        if bearer.lower().startswith("bearer ") and self.token_matches(bearer[7:].strip()):
            return True
        if self.token_matches(headers.get(TOKEN_HEADER)):
            return True
        cookie = cookies.get(AUTH_COOKIE, "")
        return bool(cookie) and hmac.compare_digest(cookie, self.auth_cookie_value())

    # -- sessions and CSRF -----------------------------------------------------------------

    @staticmethod
    def new_session() -> str:
        return secrets.token_urlsafe(32)

    def csrf_token(self, session: str) -> str:
        return _digest(self.secret, "csrf", session)

    def csrf_valid(self, session: str | None, offered: str | None) -> bool:
        if not session or not offered:
            return False
        return hmac.compare_digest(offered.encode(), self.csrf_token(session).encode())
