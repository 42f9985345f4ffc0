"""Getting edit inputs out of a request: multipart files, ``data:`` URLs, remote URLs, ``file_id``.

Everything here ends in ``ImageUpload`` values (bytes + the field they came from); decoding and the
contract's image rules live in ``contract.images``.

Remote ``https://`` URLs (SPEC §3) are fetched only when the operator allows the host
(``IMAGEGEN_IMAGE_URL_HOSTS``: comma-separated entries ``host``, ``*.example.com`` suffixes or ``*``
for any public host, each optionally with ``:port`` or ``:*``; an entry without a port allows only the
scheme's default port, so ``images.example.com`` does not open ``images.example.com:6379``). Addresses
that resolve to private, loopback, link-local or otherwise special ranges are refused unless
``IMAGEGEN_IMAGE_URL_ALLOW_PRIVATE`` is set; an IPv6 address that embeds an IPv4 one (IPv4-mapped
``::ffff:0:0/96``, IPv4-compatible ``::/96``, NAT64 ``64:ff9b::/96`` and ``64:ff9b:1::/48``, 6to4
``2002::/16``, Teredo ``2001::/32``) is judged by the embedded address too. Plain ``http://`` needs
``IMAGEGEN_IMAGE_URL_ALLOW_HTTP``. Redirects are followed by hand (at most 3), each hop re-checked.
Downloads stop at the per-image byte cap and at a total time cap.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes, urljoin, urlsplit

import httpx
from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from imagegen.api.body_limits import read_form
from imagegen.config import Settings
from imagegen.contract.bounds import check_string
from imagegen.contract.errors import InvalidImage, InvalidValue, UnknownParameter
from imagegen.contract.images import ImageUpload
from imagegen.contract.limits import UploadLimits
from imagegen.contract.parse import EDIT_FIELDS
from imagegen.contract.specs import InputImage

IMAGE_FIELDS = ("image", "image[]")
_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class RemoteImagePolicy:
    """What the operator allows for ``https://`` image URLs."""

    allowed_hosts: tuple[str, ...] = ()
    allow_private: bool = False
    allow_http: bool = False
    max_bytes: int = UploadLimits().max_image_bytes
    timeout_s: float = 15.0
    max_redirects: int = 3

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteImagePolicy:
        """Read ``IMAGEGEN_IMAGE_URL_*`` settings."""
        extra = settings.extra
        hosts = tuple(h.strip().lower() for h in extra.get("image_url_hosts", "").split(",") if h.strip())
        return cls(
            allowed_hosts=hosts,
            allow_private=extra.get("image_url_allow_private", "").lower() in _TRUE,
            allow_http=extra.get("image_url_allow_http", "").lower() in _TRUE,
            max_bytes=int(extra.get("image_url_max_bytes", cls.max_bytes)),
            timeout_s=float(extra.get("image_url_timeout_s", cls.timeout_s)),
        )

    def host_allowed(self, host: str, port: int | None = None, *, default_port: int = 443) -> bool:
        """Whether the operator lists ``host:port`` (host exactly, by ``*.suffix`` or ``*``; port as written,
        ``*`` for any, or only ``default_port`` when the entry names none)."""
        host = host.lower().rstrip(".")
        port = default_port if port is None else port
        for entry in self.allowed_hosts:
            pattern, want = _split_entry(entry)
            if want != "*" and want != str(port) and not (want == "" and port == default_port):
                continue
            if pattern == "*" or pattern == host:
                return True
            if pattern.startswith("*.") and host.endswith(pattern[1:]):
                return True
        return False


def _split_entry(entry: str) -> tuple[str, str]:
    """``host[:port]`` -> (host, port or ""); ``[v6]:port`` and a bare IPv6 literal are understood."""
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        return host, rest.removeprefix(":")
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        return host, port
    return entry, ""


#: IPv6 prefixes whose addresses carry an IPv4 address in their last 32 bits (NAT64, RFC 6052 / 8215)
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries: IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo
    (its server and its client)."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip in _IPV4_COMPATIBLE or any(ip in net for net in _NAT64):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    return found


def special_address(address: str) -> bool:
    """Whether a resolved address is one this server must not fetch from: not globally routable,
    multicast, or an IPv6 form whose embedded IPv4 address is such."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = embedded_ipv4(ip)
        if any(not v4.is_global or v4.is_multicast for v4 in embedded):
            return True
        if ip.ipv4_mapped is not None:
            return False
    return not ip.is_global or ip.is_multicast


def _check_url(url: str, policy: RemoteImagePolicy, param: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket
        raise InvalidValue(f"Invalid '{param}': not a valid URL.", param=param) from exc
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or (scheme == "http" and not policy.allow_http):
        raise InvalidValue(
            f"Invalid '{param}': only https:// and data: image URLs are accepted.", param=param
        )
    host = parts.hostname or ""
    if not host:
        raise InvalidValue(f"Invalid '{param}': the URL has no host.", param=param)
    default_port = 443 if scheme == "https" else 80
    try:
        port = parts.port or default_port
    except ValueError as exc:  # a port outside 0-65535 or not a number
        raise InvalidValue(f"Invalid '{param}': not a valid URL port.", param=param) from exc
    if not policy.host_allowed(host, port, default_port=default_port):
        shown = host if port == default_port else f"{host}:{port}"
        raise InvalidValue(
            f"Invalid '{param}': this server does not fetch images from '{shown}' (not allowed by its "
            "operator). Send the image as a data: URL or a multipart upload instead.",
            param=param,
        )
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        raise InvalidImage(
            f"Could not fetch '{param}': the host '{host}' does not resolve.", param=param
        ) from exc
    if not policy.allow_private and any(special_address(str(info[4][0])) for info in infos):
        raise InvalidValue(
            f"Invalid '{param}': '{host}' resolves to a private or loopback address, which this server "
            "does not fetch from.",
            param=param,
        )


def fetch_image_url(url: str, policy: RemoteImagePolicy, *, param: str) -> bytes:
    """Download one remote image under ``policy`` (blocking: call it from a worker thread)."""
    deadline = time.monotonic() + policy.timeout_s
    with httpx.Client(follow_redirects=False, timeout=policy.timeout_s) as client:
        for _hop in range(policy.max_redirects + 1):
            _check_url(url, policy, param)
            try:
                with client.stream("GET", url, headers={"Accept": "image/*"}) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    if response.status_code != 200:
                        raise InvalidImage(
                            f"Could not fetch '{param}': the server answered HTTP {response.status_code}.",
                            param=param,
                        )
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > policy.max_bytes:
                        raise InvalidImage(_too_big(param, policy.max_bytes), param=param)
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > policy.max_bytes:
                            raise InvalidImage(_too_big(param, policy.max_bytes), param=param)
                        if time.monotonic() > deadline:
                            raise InvalidImage(
                                f"Could not fetch '{param}': the download took longer than "
                                f"{policy.timeout_s:g} s.",
                                param=param,
                            )
                        chunks.append(chunk)
                    return b"".join(chunks)
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, ValueError) as exc:
                raise InvalidImage(f"Could not fetch '{param}': {type(exc).__name__}.", param=param) from exc
    raise InvalidImage(f"Could not fetch '{param}': too many redirects.", param=param)


def _too_big(param: str, cap: int) -> str:
    return f"The image '{param}' is larger than {cap // (1024 * 1024)} MB."


def decode_data_url(url: str, *, param: str) -> bytes:
    """The bytes of a ``data:[<type>][;base64],<payload>`` URL."""
    header, sep, payload = url.partition(",")
    if not sep or not header.lower().startswith("data:"):
        raise InvalidImage(f"Invalid '{param}': malformed data: URL.", param=param)
    if header.lower().endswith(";base64"):
        try:
            return base64.b64decode("".join(payload.split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidImage(f"Invalid '{param}': the data: URL is not valid base64.", param=param) from exc
    return unquote_to_bytes(payload)


def resolve_image_ref(
    ref: object,
    *,
    param: str,
    policy: RemoteImagePolicy,
    open_asset: Callable[[str, str], ImageUpload | InputImage],
) -> ImageUpload | InputImage:
    """Turn one JSON image reference (``{"image_url"}`` or ``{"file_id"}``) into an input. Blocking.

    ``open_asset(asset_id, param)`` resolves a ``file_id`` in the caller's own catalog (``NotFound``
    for anything else, so another tenant's id is indistinguishable from an unknown one).
    """
    if isinstance(ref, str):
        # a bare URL string, as queue-style hosts send them
        ref = {"image_url": ref}
    if not isinstance(ref, Mapping):
        raise InvalidValue(
            f"Invalid '{param}': expected an object with 'image_url' or 'file_id'.", param=param
        )
    unknown = [key for key in ref if key not in ("image_url", "file_id")]
    if unknown:
        raise UnknownParameter(f"Unknown parameter: '{param}.{unknown[0]}'.", param=f"{param}.{unknown[0]}")
    image_url, file_id = ref.get("image_url"), ref.get("file_id")
    if (image_url is None) == (file_id is None):
        raise InvalidValue(f"Invalid '{param}': give exactly one of 'image_url' or 'file_id'.", param=param)
    if file_id is not None:
        if not isinstance(file_id, str) or not file_id:
            raise InvalidValue(f"Invalid '{param}.file_id': expected an asset id.", param=f"{param}.file_id")
        return open_asset(check_string(file_id, "file_id", param=f"{param}.file_id"), f"{param}.file_id")
    if not isinstance(image_url, str):
        raise InvalidValue(f"Invalid '{param}.image_url': expected a string.", param=f"{param}.image_url")
    url_param = f"{param}.image_url"
    if image_url[:5].lower() == "data:":
        return ImageUpload(data=decode_data_url(image_url, param=url_param), param=url_param)
    check_string(image_url, "image_url", param=url_param)
    return ImageUpload(data=fetch_image_url(image_url, policy, param=url_param), param=url_param)


@dataclass
class MultipartEdit:
    """The parts of a multipart edit request."""

    fields: dict[str, Any]
    images: list[ImageUpload]
    mask: ImageUpload | None


async def read_multipart_edit(request: Request, limits: UploadLimits) -> MultipartEdit:
    """Read ``image`` / ``image[]`` / ``mask`` files and string fields from a multipart edit."""
    try:
        # streamed: each file stops at its cap as it arrives, text fields at theirs (api/body_limits.py)
        form = await read_form(request, limits)
    except StarletteHTTPException as exc:
        detail = str(exc.detail)
        if "Too many files" in detail:
            raise InvalidValue(
                f"Too many files. At most {limits.max_images} images and one mask may be sent.", param="image"
            ) from exc
        raise InvalidValue(f"Malformed multipart body: {detail}", param=None) from exc
    fields: dict[str, Any] = {}
    files: list[tuple[str, UploadFile]] = []
    mask_file: UploadFile | None = None
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            if key in IMAGE_FIELDS:
                files.append((key, value))
            elif key == "mask":
                if mask_file is not None:
                    raise InvalidValue("Only one mask may be sent.", param="mask")
                mask_file = value
            elif key in EDIT_FIELDS:
                raise InvalidValue(f"Invalid '{key}': expected a text field, got a file.", param=key)
            else:
                raise UnknownParameter(f"Unknown parameter: '{key}'.", param=key)
            continue
        if key in (*IMAGE_FIELDS, "mask"):
            raise InvalidValue(f"Invalid '{key}': expected a file upload.", param=key.removesuffix("[]"))
        if key in fields:
            raise InvalidValue(f"Parameter '{key}' was given more than once.", param=key)
        fields[key] = value
    if len(files) > limits.max_images:
        raise InvalidValue(
            f"Too many images: {len(files)}. At most {limits.max_images} images may be edited at once.",
            param="image",
        )
    single = len(files) == 1
    images = [
        await _read_upload(upload, "image" if single else f"image[{i}]", limits)
        for i, (_key, upload) in enumerate(files)
    ]
    mask = await _read_upload(mask_file, "mask", limits) if mask_file is not None else None
    await form.close()
    return MultipartEdit(fields=fields, images=images, mask=mask)


async def _read_upload(upload: UploadFile, param: str, limits: UploadLimits) -> ImageUpload:
    if upload.size is not None and upload.size > limits.max_image_bytes:
        raise InvalidImage(_too_big(param, limits.max_image_bytes), param=param)
    data = await upload.read(limits.max_image_bytes + 1)
    if len(data) > limits.max_image_bytes:
        raise InvalidImage(_too_big(param, limits.max_image_bytes), param=param)
    return ImageUpload(data=data, param=param, filename=upload.filename)
