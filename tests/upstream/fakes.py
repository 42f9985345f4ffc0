"""Fake upstreams on loopback, written from the public API references.

``FakeOpenAI``: ``POST /v1/images/generations`` (JSON) and ``POST /v1/images/edits`` (multipart), answering
the Images API shape (``created``, ``data[].b64_json``, ``size``, ``quality``, ``background``,
``output_format``, ``usage``, header ``x-request-id``), or with ``stream: true`` server-sent events
``image_generation.partial_image`` / ``image_generation.completed`` (``image_edit.*`` for edits).
``FakeQueueHost``: the queue-style model API: ``POST /v1/models/{model}/text-to-image|edit`` ->
``request_id`` + ``status_url``/``result_url``/``cancel_url``; ``GET .../status``; ``GET .../result`` with
``output.images`` URLs; ``POST .../cancel``. Both take a script of scripted answers (429 with retry-after,
500, a hang) consumed one per request, and record every request and every client that went away.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import io
import json
import select
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
from PIL import Image

USAGE = {"input_tokens": 40, "output_tokens": 1056, "total_tokens": 1096,
         "input_tokens_details": {"text_tokens": 40, "image_tokens": 0}}


def picture(width: int, height: int, color: tuple[int, int, int] = (200, 60, 30)) -> Image.Image:
    """A deterministic picture: a diagonal gradient over a colour (so resizes and crops are visible)."""
    x = np.linspace(0, 255, width, dtype=np.float32)[None, :]
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None]
    arr = np.empty((height, width, 3), dtype=np.uint8)
    arr[:, :, 0] = ((x + color[0]) / 2).astype(np.uint8)
    arr[:, :, 1] = ((y + color[1]) / 2).astype(np.uint8)
    arr[:, :, 2] = color[2]
    return Image.fromarray(arr, "RGB")


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


@dataclass
class Scripted:
    """One scripted answer: an HTTP error status (with body and headers), or a hang of ``hang_s``."""

    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    hang_s: float = 0.0


def error(status: int, message: str, code: str | None = None, **headers: str) -> Scripted:
    body = {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}}
    return Scripted(status, body, {k.replace("_", "-"): v for k, v in headers.items()})


class _Base:
    def __init__(self) -> None:
        self.script: list[Scripted] = []
        self.requests: list[dict[str, Any]] = []
        self.disconnected = threading.Event()
        #: set when the first request has arrived (a test can act once the upstream is really being called)
        self.arrived = threading.Event()
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_GET(self) -> None:
                fake._dispatch(self, "GET")

            def do_POST(self) -> None:
                fake._dispatch(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> _Base:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _next(self) -> Scripted | None:
        with self.lock:
            return self.script.pop(0) if self.script else None

    def _dispatch(self, h: BaseHTTPRequestHandler, method: str) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        record = {"method": method, "path": h.path, "headers": {k.lower(): v for k, v in h.headers.items()},
                  "raw": raw, "at": time.time()}
        with self.lock:
            self.requests.append(record)
        self.arrived.set()
        scripted = self._next() if self._scripted(method, h.path) else None
        if scripted is not None and scripted.hang_s:
            self._hang(h, scripted.hang_s)
            return
        if scripted is not None and scripted.status != 200:
            self.send_json(h, scripted.status, scripted.body or {}, scripted.headers)
            return
        self.handle(h, method, record)

    def _scripted(self, method: str, path: str) -> bool:
        return method == "POST"

    def _hang(self, h: BaseHTTPRequestHandler, seconds: float) -> None:
        """Answer nothing for ``seconds``; notice when the client closes the connection meanwhile."""
        deadline = time.monotonic() + seconds
        sock = h.connection
        while time.monotonic() < deadline:
            ready, _, _ = select.select([sock], [], [], 0.05)
            if ready:
                try:
                    if sock.recv(1, 0x2) == b"":  # MSG_PEEK: EOF means the client went away
                        self.disconnected.set()
                        return
                except OSError:
                    self.disconnected.set()
                    return
        self.send_json(h, 500, {"error": {"message": "hung", "code": None}})

    @staticmethod
    def send_json(h: BaseHTTPRequestHandler, status: int, body: dict[str, Any],
                  headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(data)
        except OSError:
            pass

    @staticmethod
    def send_png(h: BaseHTTPRequestHandler, data: bytes) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "image/png")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def handle(self, h: BaseHTTPRequestHandler, method: str, record: dict[str, Any]) -> None:
        raise NotImplementedError


def parse_multipart(content_type: str, raw: bytes) -> dict[str, list[Any]]:
    """Form fields (str) and files ((filename, bytes)) of a multipart/form-data body."""
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
    out: dict[str, list[Any]] = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        filename = part.get_filename()
        value: Any = (filename, payload) if filename else payload.decode()
        out.setdefault(str(name), []).append(value)
    return out


class FakeOpenAI(_Base):
    """The OpenAI Images API. ``make_file(width, height, fields)`` builds each output (default: a PNG).
    With ``url_origin`` set, outputs are answered as ``url`` on that origin (served under ``/files/``)."""

    def __init__(self, make_file: Callable[[int, int, dict[str, Any]], bytes] | None = None) -> None:
        super().__init__()
        self.make_file = make_file or (lambda w, h, fields: png(picture(w, h)))
        self.counter = 0
        self.url_origin: str | None = None
        self.files: dict[str, bytes] = {}
        #: streams end with an ``error`` event carrying this message instead of the completed image
        self.stream_error: str | None = None

    def handle(self, h: BaseHTTPRequestHandler, method: str, record: dict[str, Any]) -> None:
        ctype = h.headers.get("Content-Type", "")
        if method == "GET" and h.path in self.files:
            self.send_png(h, self.files[h.path])
            return
        if h.path.endswith("/images/generations"):
            fields = json.loads(record["raw"] or b"{}")
            prefix = "image_generation"
        elif h.path.endswith("/images/edits"):
            form = parse_multipart(ctype, record["raw"])
            fields = {k: (v if k in ("image", "image[]") else v[0]) for k, v in form.items()}
            for key in ("n", "partial_images", "output_compression"):
                if key in fields:
                    fields[key] = int(fields[key])
            fields["stream"] = str(fields.get("stream", "false")).lower() == "true"
            prefix = "image_edit"
        else:
            self.send_json(h, 404, {"error": {"message": f"no route {h.path}", "code": None}})
            return
        record["fields"] = fields
        size = str(fields.get("size") or "auto")
        if size == "auto" and prefix == "image_edit":
            first = (fields.get("image") or fields.get("image[]"))[0][1]
            width, height = Image.open(io.BytesIO(first)).size
        elif size == "auto":
            width, height = 1024, 1024
        else:
            width, height = (int(v) for v in size.split("x"))
        with self.lock:
            self.counter += 1
            request_id = f"req_fake_{self.counter}"
        quality = fields.get("quality") if fields.get("quality") not in (None, "auto") else "medium"
        common = {"background": "opaque", "output_format": fields.get("output_format", "png"),
                  "quality": quality, "size": f"{width}x{height}"}
        if fields.get("stream"):
            frames = []
            for i in range(int(fields.get("partial_images") or 0)):
                partial = base64.b64encode(png(picture(width, height, (i * 60, 0, 0)))).decode()
                event = {"type": f"{prefix}.partial_image", "b64_json": partial,
                         "created_at": int(time.time()), "partial_image_index": i, **common}
                frames.append((f"{prefix}.partial_image", event))
            final = base64.b64encode(self.make_file(width, height, fields)).decode()
            frames.append((f"{prefix}.completed", {"type": f"{prefix}.completed", "b64_json": final,
                                                   "created_at": int(time.time()), "usage": USAGE, **common}))
            if self.stream_error is not None:
                frames[-1] = ("error", {"error": {"message": self.stream_error, "type": "server_error",
                                                  "code": "server_error"}})
            h.send_response(200)
            h.send_header("Content-Type", "text/event-stream")
            h.send_header("x-request-id", request_id)
            h.end_headers()
            for name, data in frames:
                h.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
                h.wfile.flush()
            return
        n = int(fields.get("n") or 1)
        files = [self.make_file(width, height, fields) for _ in range(n)]
        if self.url_origin is not None:
            data = []
            for i, content in enumerate(files):
                self.files[f"/files/{request_id}-{i}.png"] = content
                data.append({"url": f"{self.url_origin}/files/{request_id}-{i}.png"})
        else:
            data = [{"b64_json": base64.b64encode(content).decode()} for content in files]
        self.send_json(h, 200, {"created": int(time.time()), "data": data, "usage": USAGE, **common},
                       {"x-request-id": request_id})


class FakeQueueHost(_Base):
    """A queue-style host. ``polls`` status answers before ``completed``; ``hold`` never completes;
    ``output_origin`` replaces the origin of output URLs (to test that foreign outputs are refused);
    ``submit_delay_s`` holds the answer to a submit that the host has already accepted."""

    def __init__(self, *, polls: int = 2, hold: bool = False, output_origin: str | None = None,
                 submit_delay_s: float = 0.0) -> None:
        super().__init__()
        self.polls = polls
        self.hold = hold
        self.output_origin = output_origin
        self.submit_delay_s = submit_delay_s
        self.jobs: dict[str, dict[str, Any]] = {}
        self.cancelled: list[str] = []

    def _scripted(self, method: str, path: str) -> bool:
        return method == "POST" and "/models/" in path

    def handle(self, h: BaseHTTPRequestHandler, method: str, record: dict[str, Any]) -> None:
        path = h.path
        if method == "POST" and "/v1/models/" in path:
            body = json.loads(record["raw"] or b"{}")
            record["fields"] = body
            request_id = f"q_{len(self.jobs) + 1}"
            size = str(body.get("size") or "auto")
            width, height = (1024, 1024) if size == "auto" else (int(v) for v in size.split("x"))
            self.jobs[request_id] = {"status": "in_queue", "polls": 0, "size": (width, height),
                                     "n": int(body.get("n") or 1)}
            base = f"{self.url}/v1/requests/{request_id}"
            time.sleep(self.submit_delay_s)
            self.send_json(h, 200, {"request_id": request_id, "status_url": f"{base}/status",
                                    "result_url": f"{base}/result", "cancel_url": f"{base}/cancel"})
            return
        parts = path.strip("/").split("/")
        if len(parts) == 4 and parts[:2] == ["v1", "requests"] and parts[2] in self.jobs:
            job, request_id, action = self.jobs[parts[2]], parts[2], parts[3]
            if action == "cancel" and method == "POST":
                self.cancelled.append(request_id)
                job["status"] = "cancelled"
                self.send_json(h, 202, {"request_id": request_id, "status": "cancelled"})
                return
            if action == "status":
                job["polls"] += 1
                if job["status"] != "cancelled" and not self.hold:
                    job["status"] = "completed" if job["polls"] > self.polls else "in_progress"
                self.send_json(h, 200, {"request_id": request_id, "status": job["status"],
                                        "progress": min(1.0, job["polls"] / (self.polls + 1))})
                return
            if action == "result":
                origin = self.output_origin or self.url
                images = [f"{origin}/files/{request_id}-{i}.png" for i in range(job["n"])]
                self.send_json(h, 200, {"request_id": request_id, "status": job["status"],
                                        "output": {"image": images[0], "images": images}})
                return
        if len(parts) == 2 and parts[0] == "files":
            request_id = parts[1].split("-")[0]
            self.send_png(h, png(picture(*self.jobs[request_id]["size"], color=(30, 90, 200))))
            return
        self.send_json(h, 404, {"error": {"message": f"no route {method} {path}", "code": None}})
