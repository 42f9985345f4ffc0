"""Studio pages and fragments under ``/studio``: sign-in, grid, asset, review, compare, create, verify.

Every page is server-rendered from the signed-in tenant's catalog facade. A request without a valid
session is sent to the sign-in page (pages) or answered 401 (fragments); every unsafe request must carry
the session's CSRF token. The API key never appears in a URL, a page or a log line.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from imagegen.contract.errors import AuthenticationError, ImagegenError, InvalidImage, NotFound
from imagegen.contract.limits import REVIEW_STATES
from imagegen.provenance.catalog.copies import COPY_FORMATS
from imagegen.provenance.catalog.search import SearchQuery
from imagegen.provenance.catalog.thumbs import SIZES
from imagegen.studio import session as sess
from imagegen.studio.compare import difference_png
from imagegen.studio.local_mode import keyless_studio
from imagegen.studio.views import (
    FILTERS,
    c2pa_words,
    format_bytes,
    format_seconds,
    review_words,
    source_type_words,
    summarize_report,
)
from imagegen.tenants import LOCAL_TENANT, key_id_of

if TYPE_CHECKING:
    from imagegen.service import Service
    from imagegen.service.catalog import Catalog

log = logging.getLogger("imagegen.studio")
router = APIRouter(include_in_schema=False)
HERE = Path(__file__).parent
PAGE_SIZE = 48
#: prompt families per page of the family view (each shows up to four thumbnails)
FAMILY_PAGE_SIZE = 24
MAX_VERIFY_BYTES = 50 * 1024 * 1024

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters["bytes"] = format_bytes
templates.filters["seconds"] = format_seconds
templates.globals["review_words"] = review_words
templates.globals["c2pa_words"] = c2pa_words
templates.globals["source_type_words"] = source_type_words


@dataclass(frozen=True)
class Caller:
    """The signed-in session: tenant, the key's public id, and the page's CSRF token (never the key)."""

    tenant: str
    key_id: str
    csrf: str
    #: local single-user mode (``local_mode.py``): no key and no session, so nothing to sign out of
    keyless: bool = False


class _SignIn(Exception):
    """No valid session: pages redirect to the sign-in form."""


def _service(request: Request) -> Service:
    return cast("Service", request.app.state.service)


def _caller(request: Request) -> Caller:
    key = sess.session_key(request)
    service = _service(request)
    if key is None:
        if keyless_studio(request, service):
            secret = sess.server_secret(service.settings.keys_dir)
            return Caller(LOCAL_TENANT, LOCAL_TENANT, sess.local_csrf_token(secret), keyless=True)
        raise _SignIn
    try:
        tenant = service.authenticate(f"Bearer {key}", client_host=None)
    except AuthenticationError as exc:
        raise _SignIn from exc
    secret = sess.server_secret(service.settings.keys_dir)
    return Caller(tenant, key_id_of(key) or tenant, sess.csrf_token(secret, key))


def _catalog(request: Request, caller: Caller) -> Catalog:
    return _service(request).catalog(caller.tenant)


def _render(
    name: str, request: Request, caller: Caller | None, status: int = 200, **ctx: Any
) -> HTMLResponse:
    html = templates.get_template(name).render(
        request=request, caller=caller, csrf=caller.csrf if caller else "", static=_static_url, **ctx
    )
    return HTMLResponse(html, status_code=status, headers=_NO_STORE)


_NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}


def _static_url(name: str) -> str:
    path = HERE / "static" / name
    version = int(path.stat().st_mtime) if path.exists() else 0
    return f"/studio/static/{name}?v={version}"


def _to_login(request: Request) -> RedirectResponse:
    return RedirectResponse("/studio/login", status_code=303)


def _check_form_csrf(request: Request, form: Any) -> Caller:
    caller = _caller(request)
    sess.check_csrf(request, caller.csrf, str(form.get(sess.CSRF_FIELD) or ""))
    return caller


# ---- sign-in -------------------------------------------------------------------------------------------


@router.get("/studio/login")
def login_form(request: Request) -> Response:
    if sess.session_key(request) is None and keyless_studio(request, _service(request)):
        return RedirectResponse("/studio", status_code=303)  # local single-user mode: nothing to sign in to
    return _login_page(request, None, 200)


@router.post("/studio/login")
async def login(request: Request) -> Response:
    form = await request.form()
    try:
        sess.check_login_token(request, str(form.get(sess.CSRF_FIELD) or ""))
    except ImagegenError as exc:
        return _login_page(request, exc.message, 403)
    key = str(form.get("api_key") or "").strip()
    service = _service(request)
    try:
        await run_in_threadpool(service.authenticate, f"Bearer {key}", client_host=None)
    except AuthenticationError:
        # the message names no part of the key
        return _login_page(request, "That API key was not accepted. Check it and try again.", 401)
    resp = RedirectResponse("/studio", status_code=303)
    sess.set_session(resp, request, key)
    return resp


def _login_page(request: Request, message: str | None, status: int) -> Response:
    token = sess.new_login_token()
    resp = _render("login.html", request, None, status=status, error=message, login_token=token)
    sess.set_login_cookie(resp, request, token)
    return resp


@router.post("/studio/logout")
async def logout(request: Request) -> Response:
    form = await request.form()
    with contextlib.suppress(_SignIn):  # no session: nothing to end
        _check_form_csrf(request, form)
    resp = RedirectResponse("/studio/login", status_code=303)
    sess.clear_session(resp)
    return resp


# ---- grid ----------------------------------------------------------------------------------------------


def _query(request: Request, cursor: str | None = None) -> tuple[SearchQuery, dict[str, str]]:
    params = {k: request.query_params.get(k, "").strip() for k in FILTERS}
    query = SearchQuery.from_filters(
        text=params["q"] or None,
        model=params["model"] or None,
        engine=params["engine"] or None,
        user=params["user"] or None,
        source=params["source"] or None,
        family=params["family"] or None,
        date_from=params["from"] or None,
        date_to=params["to"] or None,
        review=params["review"] or None,
        root=params["root"] or None,
        limit=PAGE_SIZE,
        cursor=cursor,
    )
    return query, {k: v for k, v in params.items() if v}


@router.get("/studio")
def grid(request: Request) -> Response:
    try:
        caller = _caller(request)
    except _SignIn:
        return _to_login(request)
    catalog = _catalog(request, caller)
    group = request.query_params.get("group") == "family"
    try:
        query, active = _query(request)
        facets = catalog.facets()
        if group:
            fams = catalog.family_page(replace(query, limit=FAMILY_PAGE_SIZE))
            return _render("grid.html", request, caller, active=active, facets=facets, group=True,
                           families=fams.groups, total=fams.assets, family_count=fams.families, items=[],
                           next_url=_next_url(active, fams.next_cursor, "families"), error=None,
                           states=REVIEW_STATES)
        page = catalog.search(query)
    except ImagegenError as exc:
        return _render("grid.html", request, caller, status=exc.status, active={}, facets={}, group=False,
                       families=[], total=0, items=[], next_url=None, error=exc.message, states=REVIEW_STATES)
    return _render("grid.html", request, caller, active=active, facets=facets, group=False, families=[],
                   total=None, items=page.items, next_url=_next_url(active, page.next_cursor), error=None,
                   states=REVIEW_STATES)


def _next_url(active: dict[str, str], cursor: str | None, view: str = "grid") -> str | None:
    return f"/studio/{view}?{urlencode(active | {'cursor': cursor})}" if cursor else None


def _fragment(html: str, next_url: str | None) -> HTMLResponse:
    headers = dict(_NO_STORE)
    if next_url:
        headers["X-Next-Page"] = next_url
    return HTMLResponse(html, headers=headers)


@router.get("/studio/grid")
def grid_page(request: Request) -> Response:
    """The next keyset page of the grid as an HTML fragment (infinite scroll)."""
    try:
        caller = _caller(request)
    except _SignIn:
        return Response(status_code=401)
    query, active = _query(request, request.query_params.get("cursor") or None)
    page = _catalog(request, caller).search(query)
    html = templates.get_template("_cards.html").render(items=page.items)
    return _fragment(html, _next_url(active, page.next_cursor))


@router.get("/studio/families")
def families_page(request: Request) -> Response:
    """The next keyset page of the prompt-family view as an HTML fragment (infinite scroll)."""
    try:
        caller = _caller(request)
    except _SignIn:
        return Response(status_code=401)
    query, active = _query(request, request.query_params.get("cursor") or None)
    fams = _catalog(request, caller).family_page(replace(query, limit=FAMILY_PAGE_SIZE))
    html = templates.get_template("_families.html").render(families=fams.groups)
    return _fragment(html, _next_url(active, fams.next_cursor, "families"))


@router.get("/studio/thumbs/{asset_id}/{size}")
def thumbnail(asset_id: str, size: int, request: Request) -> Response:
    try:
        caller = _caller(request)
    except _SignIn:
        return Response(status_code=401)
    if size not in SIZES:
        raise NotFound(f"No thumbnail size {size}; use one of {', '.join(map(str, SIZES))}.", param="size")
    thumb = _catalog(request, caller).thumbnail(asset_id, size)
    headers = {"ETag": thumb.etag, "Cache-Control": "private, max-age=31536000, immutable"}
    if request.headers.get("if-none-match") == thumb.etag:
        return Response(status_code=304, headers=headers)
    return Response(thumb.data, media_type=thumb.content_type, headers=headers)


# ---- asset ---------------------------------------------------------------------------------------------


def _flatten(tree: dict[str, Any], depth: int = 0) -> list[tuple[int, dict[str, Any]]]:
    out = [(depth, tree)]
    for kid in tree.get("children", []):
        out += _flatten(kid, depth + 1)
    return out


@router.get("/studio/assets/{asset_id}")
def asset_page(asset_id: str, request: Request) -> Response:
    try:
        caller = _caller(request)
    except _SignIn:
        return _to_login(request)
    catalog = _catalog(request, caller)
    try:
        asset = catalog.asset(asset_id)
        tree = catalog.lineage(asset_id)
        creds = catalog.credentials(asset_id)
    except NotFound as exc:
        return _render("missing.html", request, caller, status=404, message=exc.message)
    ancestors = _flatten(tree["ancestors"])[1:]
    descendants = _flatten(tree["descendants"])[1:]
    others = [n for _, n in ancestors + descendants]
    return _render("asset.html", request, caller, asset=asset, creds=creds, report=summarize_report(asset),
                   ancestors=ancestors, descendants=descendants, others=others, states=REVIEW_STATES,
                   formats=COPY_FORMATS)


@router.post("/studio/assets/{asset_id}/review")
async def review(asset_id: str, request: Request) -> Response:
    form = await request.form()
    try:
        caller = _check_form_csrf(request, form)
    except _SignIn:
        return _to_login(request)
    user = str(form.get("user") or "").strip()[:200] or None
    by = f"{caller.key_id} ({user})" if user else caller.key_id
    catalog = _catalog(request, caller)
    await run_in_threadpool(catalog.review, asset_id, form.get("state"), by=by,
                            comment=str(form.get("comment") or "") or None)
    return RedirectResponse(f"/studio/assets/{asset_id}#review", status_code=303)


@router.get("/studio/assets/{asset_id}/download.{fmt}")
def download(asset_id: str, fmt: str, request: Request) -> Response:
    """The stored file in its own format (signed), or a converted copy in another one."""
    try:
        caller = _caller(request)
    except _SignIn:
        return _to_login(request)
    if fmt not in COPY_FORMATS:
        raise NotFound(f"No download format '{fmt}'; use png, jpeg or webp.", param="format")
    # the stored file, or a signed copy with the same XMP, watermark and a C2PA manifest naming the original
    copy = _catalog(request, caller).content_as(asset_id, fmt)
    ext = "jpg" if fmt == "jpeg" else fmt
    headers = {"Content-Disposition": f'attachment; filename="{asset_id}.{ext}"', **_NO_STORE}
    return Response(copy.data, media_type=copy.content_type, headers=headers)


# ---- compare -------------------------------------------------------------------------------------------


@router.get("/studio/compare")
def compare(request: Request) -> Response:
    try:
        caller = _caller(request)
    except _SignIn:
        return _to_login(request)
    a, b = request.query_params.get("a", ""), request.query_params.get("b", "")
    catalog = _catalog(request, caller)
    try:
        left, right = catalog.asset(a), catalog.asset(b)
    except NotFound as exc:
        return _render("missing.html", request, caller, status=404, message=exc.message)
    return _render("compare.html", request, caller, left=left, right=right)


@router.get("/studio/compare/diff.png")
def compare_diff(request: Request) -> Response:
    """The amplified per-pixel difference of two assets (the second resized to the first)."""
    try:
        caller = _caller(request)
    except _SignIn:
        return Response(status_code=401)
    catalog = _catalog(request, caller)
    a = catalog.content(request.query_params.get("a", ""))
    b = catalog.content(request.query_params.get("b", ""))
    png, _ = difference_png(a.data, b.data)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


# ---- create (generate / edit) ----------------------------------------------------------------------------


@router.get("/studio/create")
def create(request: Request) -> Response:
    try:
        caller = _caller(request)
    except _SignIn:
        return _to_login(request)
    source = None
    src = request.query_params.get("from")
    if src:
        try:
            source = _catalog(request, caller).asset(src)
        except NotFound as exc:
            return _render("missing.html", request, caller, status=404, message=exc.message)
    service = _service(request)
    return _render("create.html", request, caller, source=source, default_model=service.default_model)


# ---- verify a file -------------------------------------------------------------------------------------


@router.get("/studio/verify")
def verify_page(request: Request) -> Response:
    try:
        caller = _caller(request)
    except _SignIn:
        return _to_login(request)
    return _render("verify.html", request, caller)


@router.post("/studio/verify")
async def verify_file(request: Request) -> Response:
    """A dropped file (raw body): its C2PA state, watermark and the catalog entry it traces to."""
    try:
        caller = _caller(request)
    except _SignIn:
        return Response(status_code=401)
    sess.check_csrf(request, caller.csrf)
    data = await request.body()
    if not data:
        raise InvalidImage("Drop an image file.", param="body")
    if len(data) > MAX_VERIFY_BYTES:
        raise InvalidImage("Image larger than 50 MB.", param="body")
    catalog = _catalog(request, caller)

    def work() -> dict[str, Any]:
        from PIL import UnidentifiedImageError

        try:
            return catalog.verify(data)
        except (UnidentifiedImageError, OSError) as exc:
            raise InvalidImage("The file is not a readable image.", param="body") from exc

    doc = await run_in_threadpool(work)
    html = templates.get_template("_verified.html").render(doc=doc, c2pa_words=c2pa_words,
                                                            review_words=review_words)
    return HTMLResponse(html, headers=_NO_STORE)


_STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".svg": "image/svg+xml"}


@router.get("/studio/static/{name}")
def static(name: str) -> Response:
    """The studio's CSS, JS and icons (public: they hold no data)."""
    path = HERE / "static" / name
    if "/" in name or name.startswith(".") or path.suffix not in _STATIC_TYPES or not path.is_file():
        raise NotFound(f"No studio file '{name}'.", param="name")
    return Response(path.read_bytes(), media_type=_STATIC_TYPES[path.suffix],
                    headers={"Cache-Control": "public, max-age=86400"})
