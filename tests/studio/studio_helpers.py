"""Studio test helpers: a seeded catalog (two tenants, a lineage), the real server, and Debian's Chromium."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "queue"))
sys.path.insert(0, str(HERE.parent / "catalog"))

from catalog_helpers import context, engine_result  # noqa: E402
from queue_helpers import Server, server_env  # noqa: E402
from studio_engines import picture  # noqa: E402

from imagegen.config import Settings  # noqa: E402
from imagegen.db.engine import dispose_all  # noqa: E402
from imagegen.provenance.catalog.recorder import Recorder  # noqa: E402
from imagegen.tenants import TenantStore  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

JAZZ = "Summer Jazz night poster for the Blue Room, headline Summer Jazz, Friday 8 pm in the footer"


@dataclass
class Seeded:
    home: Path
    keys: dict[str, str]
    ids: dict[str, str] = field(default_factory=dict)


def _one(rec: Recorder, tenant: str, prompt: str, seed: int, *, parent: str | None = None,
         size: tuple[int, int] = (640, 640), model: str = "gpt-image-2",
         user: str | None = None) -> str:
    kw: dict[str, Any] = {"model": model}
    if user:
        kw["user"] = user
    if parent is not None:
        kw["operation"] = "edit"
        kw["inputs"] = (rec.load_input(tenant, parent),)
    result = engine_result([picture(size[0], size[1], seed, prompt)], engine="planning")
    [made] = rec.record(context(tenant, prompt, **kw), result)
    return str(made.asset_id)


def seed_catalog(home: Path) -> Seeded:
    """acme: a poster with a two-level edit lineage, an alternative and unrelated work; globex: its own."""
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}")
    rec = Recorder(settings)
    tenants = TenantStore(settings.database_url)
    keys = {"acme": tenants.create_key("acme")[1], "globex": tenants.create_key("globex")[1]}
    seeded = Seeded(home, keys)
    ids = seeded.ids
    ids["root"] = _one(rec, "acme", JAZZ, 1, user="ann")
    ids["v1"] = _one(rec, "acme", "Make the headline bigger and bolder", 2, parent=ids["root"], user="ann")
    ids["v2"] = _one(rec, "acme", "Warmer palette, keep the layout", 3, parent=ids["v1"], user="bob")
    ids["alt"] = _one(rec, "acme", "Alternative layout with the band photo on top", 4, parent=ids["root"])
    ids["tax"] = _one(rec, "acme", "Quarterly tax seminar slide with a bar chart", 5, size=(768, 512))
    ids["coffee"] = _one(rec, "acme", "Lighthouse Coffee label, dark roast, 250 g", 6, size=(512, 768))
    ids["menu"] = _one(rec, "acme", "Menu card titled Cafe Lumiere with three prices", 7,
                       model="imagegen-design")
    ids["secret"] = _one(rec, "globex", "Globex confidential launch teaser, Project Hydra", 8)
    dispose_all()
    return seeded


def start_server(home: Path, *extra_args: str) -> Server:
    env = server_env(home)
    env["IMAGEGEN_ROUTES"] = json.dumps({"gpt-image-2": "studio_engines:StudioEngine",
                                         "imagegen-design": "studio_engines:StudioEngine"})
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return Server(home=home, env=env).start(*extra_args)


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def sign_in(browser: Any, base_url: str, key: str) -> Any:
    """A fresh browser context signed in through the real form; returns its page."""
    ctx = browser.new_context(base_url=base_url, viewport={"width": 1360, "height": 900})
    page = ctx.new_page()
    page.goto("/studio")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/studio")
    return page
