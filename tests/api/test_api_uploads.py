"""Remote image URLs and data: URLs (api/uploads.py), against a real HTTP server on loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from api_server import encode

from imagegen.api.uploads import RemoteImagePolicy, decode_data_url, fetch_image_url, resolve_image_ref
from imagegen.config import Settings
from imagegen.contract.errors import InvalidImage, InvalidValue, UnknownParameter

PNG = encode((32, 32))


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/a.png":
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(PNG)))
            self.end_headers()
            self.wfile.write(PNG)
        elif self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/a.png")
            self.end_headers()
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif self.path == "/big":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"x" * 4096)
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


# the test server listens on a random port: the entry must allow it (an entry without a port allows only
# the scheme's default port)
OPEN = RemoteImagePolicy(allowed_hosts=("127.0.0.1:*",), allow_private=True, allow_http=True)


def test_fetch_allowed(origin: str) -> None:
    assert fetch_image_url(f"{origin}/a.png", OPEN, param="p") == PNG
    assert fetch_image_url(f"{origin}/redirect", OPEN, param="p") == PNG


def test_fetch_failures(origin: str) -> None:
    with pytest.raises(InvalidImage, match="HTTP 404"):
        fetch_image_url(f"{origin}/missing", OPEN, param="p")
    with pytest.raises(InvalidImage, match="redirects"):
        fetch_image_url(f"{origin}/loop", OPEN, param="p")
    small = RemoteImagePolicy(
        allowed_hosts=("127.0.0.1:*",), allow_private=True, allow_http=True, max_bytes=1000
    )
    with pytest.raises(InvalidImage, match="larger than"):
        fetch_image_url(f"{origin}/big", small, param="p")
    with pytest.raises(InvalidImage):
        fetch_image_url("http://127.0.0.1:9/x.png", OPEN, param="p")  # nothing listens on port 9


def test_policy_refusals(origin: str) -> None:
    with pytest.raises(InvalidValue, match="not allowed"):
        fetch_image_url(f"{origin}/a.png", RemoteImagePolicy(allow_http=True, allow_private=True), param="p")
    with pytest.raises(InvalidValue, match="private or loopback"):
        fetch_image_url(
            f"{origin}/a.png", RemoteImagePolicy(allowed_hosts=("*:*",), allow_http=True), param="p"
        )
    with pytest.raises(InvalidValue, match="https://"):
        fetch_image_url(
            f"{origin}/a.png", RemoteImagePolicy(allowed_hosts=("*",), allow_private=True), param="p"
        )
    with pytest.raises(InvalidValue):
        fetch_image_url("file:///etc/passwd", OPEN, param="p")


def test_host_patterns() -> None:
    policy = RemoteImagePolicy(allowed_hosts=("images.example.com", "*.cdn.example.org"))
    assert policy.host_allowed("images.example.com")
    assert policy.host_allowed("a.cdn.example.org")
    assert not policy.host_allowed("cdn.example.org.evil.com")
    assert not policy.host_allowed("example.com")
    assert RemoteImagePolicy(allowed_hosts=("*",)).host_allowed("anything.net")


def test_policy_from_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        home=tmp_path,
        database_url="sqlite://",
        extra={
            "image_url_hosts": "a.com, *.b.org",
            "image_url_allow_private": "true",
            "image_url_timeout_s": "3",
        },
    )
    policy = RemoteImagePolicy.from_settings(settings)
    assert policy.allowed_hosts == ("a.com", "*.b.org") and policy.allow_private and not policy.allow_http
    assert policy.timeout_s == 3.0


def test_data_urls() -> None:
    import base64

    assert decode_data_url("data:image/png;base64," + base64.b64encode(PNG).decode(), param="p") == PNG
    assert decode_data_url("data:,hello%20world", param="p") == b"hello world"
    with pytest.raises(InvalidImage):
        decode_data_url("data:image/png;base64,***", param="p")
    with pytest.raises(InvalidImage):
        decode_data_url("data:image/png;base64", param="p")


def test_refs() -> None:
    def no_assets(asset_id: str, param: str):  # type: ignore[no-untyped-def]
        raise AssertionError("not called")

    with pytest.raises(UnknownParameter):
        resolve_image_ref(
            {"image_url": "x", "detail": "high"}, param="images[0]", policy=OPEN, open_asset=no_assets
        )
    with pytest.raises(InvalidValue, match="exactly one"):
        resolve_image_ref({}, param="images[0]", policy=OPEN, open_asset=no_assets)
    seen = []

    def assets(asset_id: str, param: str):  # type: ignore[no-untyped-def]
        from imagegen.contract.images import ImageUpload

        seen.append((asset_id, param))
        return ImageUpload(data=PNG, param=param, asset_id=asset_id)

    upload = resolve_image_ref({"file_id": "img_1"}, param="images[2]", policy=OPEN, open_asset=assets)
    assert seen == [("img_1", "images[2].file_id")] and upload.asset_id == "img_1"  # type: ignore[union-attr]
