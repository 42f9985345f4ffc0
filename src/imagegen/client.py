"""A small typed HTTP client for an imagegen server (the CLI's ``--server`` mode, the ComfyUI node).

Errors come back as the same ``ImagegenError`` tree the server raised, so the CLI maps them to the same
exit codes whether it ran in-process or remotely.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from imagegen.contract.errors import (
    AuthenticationError,
    ClientTimeout,
    ImagegenError,
    InvalidValue,
    RequestTooLarge,
    ServerUnreachable,
    from_envelope,
)

DEFAULT_SERVER = "http://127.0.0.1:8000"
#: a single downloaded output may not exceed this (SPEC §8)
MAX_DOWNLOAD_BYTES = 2 * 1024**3


def default_token_file() -> Path:
    env = os.environ.get("IMAGEGEN_TOKEN_FILE")
    if env:
        return Path(env).expanduser()
    return Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "imagegen" / "token"


def resolve_api_key(explicit: str | None = None, token_file: Path | None = None) -> str | None:
    """The key from (in order) an explicit value, ``IMAGEGEN_API_KEY``, or a token file of mode 0600.

    A token file readable by others is refused rather than silently used.
    """
    if explicit:
        return explicit
    env = os.environ.get("IMAGEGEN_API_KEY")
    if env:
        return env.strip()
    path = token_file or default_token_file()
    if not path.exists():
        return None
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise AuthenticationError(
            f"Token file {path} has mode {mode:o}; it must be readable by its owner only (chmod 600).",
            code="insecure_token_file",
        )
    return path.read_text().strip() or None


def save_token(key: str, token_file: Path | None = None) -> Path:
    """Write ``key`` to the token file with mode 0600 (created that way: never world-readable)."""
    path = token_file or default_token_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key.strip() + "\n")
    os.chmod(path, 0o600)
    return path


def same_origin(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)

    def port(p: Any) -> int | None:
        return p.port or {"http": 80, "https": 443}.get(p.scheme)

    return (pa.scheme, (pa.hostname or "").lower(), port(pa)) == (
        pb.scheme,
        (pb.hostname or "").lower(),
        port(pb),
    )


class Client:
    """Talks to one imagegen server. All calls raise ``ImagegenError`` subclasses on failure."""

    def __init__(self, base_url: str = DEFAULT_SERVER, *, api_key: str | None = None, timeout: float = 600.0):
        self.base_url = base_url.rstrip("/")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(
            base_url=self.base_url, headers=headers, timeout=httpx.Timeout(timeout, connect=10.0)
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------------------------------
    def _request(self, method: str, path: str, **kw: Any) -> Any:
        try:
            resp = self._http.request(method, path, **kw)
        except httpx.TimeoutException as exc:
            raise ClientTimeout(f"Timed out talking to {self.base_url}: {exc}") from exc
        except httpx.TransportError as exc:
            raise ServerUnreachable(f"Cannot reach {self.base_url}: {exc}") from exc
        if resp.status_code >= 400:
            try:
                body = resp.json()
            except ValueError:
                body = {"error": {"message": resp.text[:300] or f"HTTP {resp.status_code}"}}
            raise from_envelope(resp.status_code, body)
        try:
            return resp.json()
        except ValueError as exc:
            raise ServerUnreachable(f"{self.base_url} answered something that is not JSON") from exc

    # -- OpenAI images API ------------------------------------------------------------------------
    def generate(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._request("POST", "/v1/images/generations", json=body)

    def edit(
        self,
        fields: dict[str, Any],
        images: Iterable[tuple[str, bytes]],
        mask: tuple[str, bytes] | None = None,
    ) -> dict[str, Any]:
        files: list[tuple[str, tuple[str, bytes, str]]] = [
            ("image[]", (name, data, "application/octet-stream")) for name, data in images
        ]
        if mask is not None:
            files.append(("mask", (mask[0], mask[1], "image/png")))
        data = {
            k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in fields.items() if v is not None
        }
        return self._request("POST", "/v1/images/edits", data=data, files=files)

    # -- queue API --------------------------------------------------------------------------------
    def review(self, asset_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/assets/{id}/review`` (``{"state", "comment"?, "user"?}``): the asset after it."""
        return self._request("POST", f"/v1/assets/{asset_id}/review", json=body)

    def submit(self, model_path: str, endpoint: str, payload: dict[str, Any]) -> dict[str, Any]:
        return self._request("POST", f"/v1/models/{model_path.strip('/')}/{endpoint}", json=payload)

    def status(self, request_id: str) -> dict[str, Any]:
        return self._request("GET", f"/v1/requests/{request_id}/status")

    def result(self, request_id: str) -> dict[str, Any]:
        return self._request("GET", f"/v1/requests/{request_id}/result")

    def cancel(self, request_id: str) -> dict[str, Any]:
        return self._request("POST", f"/v1/requests/{request_id}/cancel")

    def download(self, url: str, dest: Path, *, max_bytes: int = MAX_DOWNLOAD_BYTES) -> Path:
        """Download an output, only from this server's own origin, aborting past ``max_bytes``.

        The file appears at ``dest`` only when complete (temp file + rename).
        """
        absolute = urljoin(self.base_url + "/", url)
        if not same_origin(absolute, self.base_url):
            raise InvalidValue(
                f"Refusing to download {absolute}: not this server's origin ({self.base_url}).",
                param="output",
                code="foreign_origin",
            )
        tmp = dest.with_name(f".{dest.name}.part")
        total = 0
        try:
            with self._http.stream("GET", absolute) as resp:
                if resp.status_code >= 400:
                    resp.read()
                    raise from_envelope(resp.status_code, _json_or_none(resp))
                declared = int(resp.headers.get("content-length") or 0)
                if declared > max_bytes:
                    raise RequestTooLarge(f"Output {absolute} is {declared} bytes, over the {max_bytes} cap.")
                with open(tmp, "wb") as fh:
                    for chunk in resp.iter_bytes():
                        total += len(chunk)
                        if total > max_bytes:
                            raise RequestTooLarge(
                                f"Output {absolute} exceeds the {max_bytes}-byte cap; aborted."
                            )
                        fh.write(chunk)
            os.replace(tmp, dest)
        except httpx.TimeoutException as exc:
            raise ClientTimeout(f"Timed out downloading {absolute}") from exc
        except httpx.TransportError as exc:
            raise ServerUnreachable(f"Download of {absolute} failed: {exc}") from exc
        finally:
            if tmp.exists():
                tmp.unlink()
        return dest


def _json_or_none(resp: httpx.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return None


__all__ = ["DEFAULT_SERVER", "MAX_DOWNLOAD_BYTES", "Client", "ImagegenError", "resolve_api_key", "save_token"]
