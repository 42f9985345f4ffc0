"""The installed illustration set: an Iconify JSON package of colour vector objects, with its licence.

scripts/install-illustrations (run by scripts/setup) unpacks the npm package ``@iconify-json/<set>`` into
``<venv>/share/imagegen/illustrations/<set>/`` (``icons.json``, ``info.json``, ``package.json``,
``metadata.json``); ``IMAGEGEN_ILLUSTRATIONS_DIR`` points elsewhere. :func:`library` loads it once per
process; a missing set raises :class:`IllustrationsMissingError` (the renderer then falls back to abstract
art and says so in the log, see docs/rendering.md).
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from imagegen.engines.planning.render.illustrations.products import PRODUCT_DRAWINGS

#: the set the setup installs, its npm version, and its licence (recorded in docs/dependencies.md)
DEFAULT_SET = "fluent-emoji-flat"
DEFAULT_VERSION = "1.2.6"
ENV_DIR = "IMAGEGEN_ILLUSTRATIONS_DIR"

#: skin-tone variants share their base's drawing; the index keeps the base (default yellow) only
_TONE = re.compile(r"-(?:medium-light|medium-dark|light|medium|dark)$")


class IllustrationsMissingError(RuntimeError):
    """The illustration set is not installed where the renderer looks (run scripts/setup)."""


@dataclass(frozen=True)
class Licence:
    set_name: str
    title: str
    spdx: str
    url: str
    author: str
    version: str

    @property
    def attribution_required(self) -> bool:
        return self.spdx.upper().startswith("CC-BY")

    def credit(self) -> str:
        return f"{self.title} {self.version} by {self.author} ({self.spdx}, {self.url})"


@dataclass
class IllustrationSet:
    """One Iconify set: icon bodies by name, their viewBox, categories and the licence."""

    root: Path
    licence: Licence
    width: int
    height: int
    bodies: dict[str, str]
    flips: dict[str, tuple[str, bool]]
    categories: dict[str, str] = field(default_factory=dict)
    #: search keywords per drawing (emojilib, joined through the set's chars.json); empty when not installed
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def names(self) -> list[str]:
        """Names the index offers: every drawing once (no skin-tone copies, no mirrored aliases)."""
        return sorted(n for n in self.bodies if not _TONE.search(n) and n not in PRODUCT_DRAWINGS)

    def __contains__(self, name: object) -> bool:
        return name in self.bodies or name in self.flips

    def svg(self, name: str, fills: dict[str, str] | None = None) -> str:
        """A standalone SVG document for ``name``; ``fills`` maps '#rrggbb' colours to replacements."""
        flip = False
        if name not in self.bodies and name in self.flips:
            name, flip = self.flips[name]
        body = self.bodies[name]
        if fills:
            body = _HEX.sub(lambda m: fills.get(_norm_hex(m.group(0)), m.group(0)), body)
        if flip:
            body = f'<g transform="translate({self.width} 0) scale(-1 1)">{body}</g>'
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {self.height}">{body}</svg>'
        )

    def colors(self, name: str) -> list[str]:
        """The '#rrggbb' colours the drawing uses, in order of first use."""
        base = self.flips.get(name, (name, False))[0] if name not in self.bodies else name
        seen: dict[str, None] = {}
        for m in _HEX.finditer(self.bodies[base]):
            seen.setdefault(_norm_hex(m.group(0)), None)
        return list(seen)


_HEX = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")


def _norm_hex(value: str) -> str:
    v = value.lower()
    if len(v) == 4:
        v = "#" + "".join(c * 2 for c in v[1:])
    return v


def data_root() -> Path:
    """Where sets live: ``$IMAGEGEN_ILLUSTRATIONS_DIR``, else ``<venv>/share/imagegen/illustrations``."""
    env = os.environ.get(ENV_DIR)
    return Path(env) if env else Path(sys.prefix) / "share" / "imagegen" / "illustrations"


def load_set(root: Path) -> IllustrationSet:
    icons_path, info_path = root / "icons.json", root / "info.json"
    if not icons_path.is_file() or not info_path.is_file():
        raise IllustrationsMissingError(
            f"no illustration set at {root} (expected icons.json and info.json from the npm package "
            f"@iconify-json/{root.name}); run scripts/setup, or point {ENV_DIR} at an installed set"
        )
    data = json.loads(icons_path.read_text(encoding="utf-8"))
    info = json.loads(info_path.read_text(encoding="utf-8"))
    package = root / "package.json"
    version = json.loads(package.read_text(encoding="utf-8")).get("version", "") if package.is_file() else ""
    lic = info.get("license", {})
    licence = Licence(
        set_name=str(info.get("prefix", root.name)),
        title=str(info.get("name", root.name)),
        spdx=str(lic.get("spdx", "")),
        url=str(lic.get("url", "")),
        author=str(info.get("author", {}).get("name", "")),
        version=str(version),
    )
    if not licence.spdx:
        raise IllustrationsMissingError(f"the illustration set at {root} names no licence (info.json)")
    bodies = {name: str(icon["body"]) for name, icon in data["icons"].items()}
    if int(data.get("width", 16)) == 32:
        # the product silhouettes are drawn on the Fluent sets' 32 px grid
        bodies.update({name: body for name, body in PRODUCT_DRAWINGS.items() if name not in bodies})
    flips = {
        name: (str(alias["parent"]), bool(alias.get("hFlip")))
        for name, alias in data.get("aliases", {}).items()
        if alias.get("parent") in bodies
    }
    categories: dict[str, str] = {}
    meta = root / "metadata.json"
    if meta.is_file():
        for cat, names in json.loads(meta.read_text(encoding="utf-8")).get("categories", {}).items():
            for n in names:
                categories.setdefault(n, cat)
    categories.update({n: "Objects" for n in PRODUCT_DRAWINGS if n in bodies})
    return IllustrationSet(
        root=root,
        licence=licence,
        width=int(data.get("width", 16)),
        height=int(data.get("height", 16)),
        bodies=bodies,
        flips=flips,
        categories=categories,
        keywords=_keywords(root, bodies),
    )


def _keywords(root: Path, bodies: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """emojilib's keywords (``<data root>/emojilib/emoji-en-US.json``, MIT) for each drawing, found through
    the set's ``chars.json`` (codepoints -> name). Missing files: no keywords (names still match)."""
    lib_path, chars_path = root.parent / "emojilib" / "emoji-en-US.json", root / "chars.json"
    if not lib_path.is_file() or not chars_path.is_file():
        return {}
    table = {k.replace("\ufe0f", ""): v for k, v in json.loads(lib_path.read_text(encoding="utf-8")).items()}
    out: dict[str, tuple[str, ...]] = {}
    for codes, name in json.loads(chars_path.read_text(encoding="utf-8")).items():
        if name not in bodies or name in out:
            continue
        emoji = "".join(chr(int(c, 16)) for c in codes.split("-")).replace("\ufe0f", "")
        words = table.get(emoji)
        if words:
            out[name] = tuple(w.replace("_", " ").lower() for w in words[1:])
    return out


_lock = threading.Lock()
_sets: dict[Path, IllustrationSet] = {}


def library_at(root: str) -> IllustrationSet:
    """The set loaded from ``root`` (cached like :func:`library`)."""
    path = Path(root)
    with _lock:
        found = _sets.get(path)
        if found is None:
            found = _sets[path] = load_set(path)
        return found


def library(set_name: str = DEFAULT_SET) -> IllustrationSet:
    """The installed set, loaded once per process (raises :class:`IllustrationsMissingError`)."""
    root = data_root() / set_name
    with _lock:
        found = _sets.get(root)
        if found is None:
            found = _sets[root] = load_set(root)
        return found
