"""The studio's sign-in session: the API key in an HttpOnly, SameSite=Strict cookie, and CSRF tokens.

After sign-in the key lives only in the session cookie (no ``Max-Age``: it ends with the browser session):
never in a URL, web storage, the HTML or a log. Every route, the API's included, accepts the cookie in place
of ``Authorization: Bearer``; an unsafe method (POST, PUT, PATCH, DELETE) sent with the cookie must also
carry the CSRF token, in the ``X-CSRF-Token`` header or a ``csrf_token`` form field.

The token is ``HMAC-SHA256(server secret, key)``: bound to the session, stateless (any worker of the server
checks it), and useless without the secret, which lives under ``keys_dir`` with mode 0600. Before sign-in
the form carries a random token matched against a short-lived pre-session cookie (double submit), so a
foreign page cannot sign a browser into an attacker's tenant.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from imagegen.contract.errors import CsrfRefused

SESSION_COOKIE = "imagegen_session"
LOGIN_COOKIE = "imagegen_login"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
STUDIO_PATH = "/studio"

_secrets: dict[Path, bytes] = {}
_lock = threading.Lock()


def server_secret(keys_dir: Path) -> bytes:
    """The CSRF secret under ``keys_dir`` (created once, mode 0600, shared by every worker process)."""
    path = Path(keys_dir) / "studio-csrf.key"
    with _lock:
        cached = _secrets.get(path)
        if cached is not None:
            return cached
        try:
            secret = path.read_bytes()
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
            try:
                os.link(tmp, path)  # first writer wins; a racing process reads the winner's secret
            except FileExistsError:
                pass
            finally:
                tmp.unlink(missing_ok=True)
            secret = path.read_bytes()
        _secrets[path] = secret
        return secret


def csrf_token(secret: bytes, key: str) -> str:
    """The CSRF token of the session holding ``key``."""
    return hmac.new(secret, b"imagegen-csrf\0" + key.encode(), hashlib.sha256).hexdigest()


def session_key(request: Request) -> str | None:
    """The API key of the request's studio session, if it has one."""
    key = request.cookies.get(SESSION_COOKIE)
    return key.strip() if key and key.strip() else None


def sent_token(request: Request, form_token: str | None = None) -> str:
    return request.headers.get(CSRF_HEADER) or form_token or ""


def require_csrf(request: Request, secret: bytes, key: str, form_token: str | None = None) -> None:
    """``CsrfRefused`` unless an unsafe request carries the session's CSRF token."""
    check_csrf(request, csrf_token(secret, key), form_token)


def check_csrf(request: Request, expected: str, form_token: str | None = None) -> None:
    """``CsrfRefused`` unless an unsafe request carries ``expected`` (a session's or local mode's token)."""
    if request.method in SAFE_METHODS:
        return
    if not hmac.compare_digest(sent_token(request, form_token), expected):
        raise CsrfRefused(
            "This request was sent with the studio's session cookie but without its CSRF token "
            "(X-CSRF-Token header or csrf_token field). Reload the page, or use 'Authorization: Bearer'."
        )


def local_csrf_token(secret: bytes) -> str:
    """The CSRF token of local single-user mode (no key, no session): bound to this server's secret, so a
    page of another origin cannot know it. The subject starts with a NUL byte: no API key can equal it."""
    return csrf_token(secret, "\0local-mode")


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session(response: Response, request: Request, key: str) -> None:
    """Start the session: the key in an HttpOnly, SameSite=Strict cookie scoped to the whole origin."""
    response.set_cookie(SESSION_COOKIE, key, httponly=True, samesite="strict", secure=_secure(request),
                        path="/")
    response.delete_cookie(LOGIN_COOKIE, path=STUDIO_PATH)


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")


def new_login_token() -> str:
    """A fresh pre-session token for the sign-in form (mirrored in a cookie by ``set_login_cookie``)."""
    return secrets.token_urlsafe(24)


def set_login_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request),
                        path=STUDIO_PATH, max_age=3600)


def check_login_token(request: Request, form_token: str) -> None:
    cookie = request.cookies.get(LOGIN_COOKIE) or ""
    if not cookie or not hmac.compare_digest(cookie, form_token or ""):
        raise CsrfRefused("The sign-in form expired or did not come from this studio. Reload and try again.")
