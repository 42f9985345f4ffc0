"""Getting edit inputs out of a request: multipart files, ``data:`` URLs, remote URLs, ``file_id``.

Everything here ends in ``ImageUpload`` values (bytes + the field they came from); decoding and the
contract's image rules live in ``contract.images``.

Remote ``https://`` URLs (SPEC §3) are fetched only when the operator allows the host
(``IMAGEGEN_IMAGE_URL_HOSTS``: comma-separated host names, ``*.example.com`` suffixes, or ``*`` for any
public host). Addresses that resolve to private, loopback, link-local or otherwise special ranges are
refused unless ``IMAGEGEN_IMAGE_URL_ALLOW_PRIVATE`` is set; plain ``http://`` needs
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

from imagegen.config import Settings
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

    def host_allowed(self, host: str) -> bool:
        """Whether the operator lists ``host`` (exactly, by ``*.suffix``, or ``*``)."""
        host = host.lower().rstrip(".")
        for pattern in self.allowed_hosts:
            if pattern == "*" or pattern == host:
                return True
            if pattern.startswith("*.") and host.endswith(pattern[1:]):
                return True
        return False


def _special_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
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
    if not policy.host_allowed(host):
        raise InvalidValue(
            f"Invalid '{param}': this server does not fetch images from '{host}' (not allowed by its "
            "operator). Send the image as a data: URL or a multipart upload instead.",
            param=param,
        )
    try:
        port = parts.port or (443 if scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        raise InvalidImage(
            f"Could not fetch '{param}': the host '{host}' does not resolve.", param=param
        ) from exc
    if not policy.allow_private and any(_special_address(str(info[4][0])) for info in infos):
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
        return open_asset(file_id, f"{param}.file_id")
    if not isinstance(image_url, str):
        raise InvalidValue(f"Invalid '{param}.image_url': expected a string.", param=f"{param}.image_url")
    url_param = f"{param}.image_url"
    if image_url[:5].lower() == "data:":
        return ImageUpload(data=decode_data_url(image_url, param=url_param), param=url_param)
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
        form = await request.form(
            max_files=limits.max_images + 1,
            max_fields=200,
            # text fields: a 32,000-character prompt in UTF-8, or a client-supplied plan
            max_part_size=4 * 1024 * 1024,
        )
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
