"""Settings: everything imagegen keeps lives under ``IMAGEGEN_HOME`` (SPEC §8).

One frozen value, built once from the environment and passed down explicitly; nothing reads the
environment deep inside the engine (that keeps stages pure and tests hermetic).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs


def default_home() -> Path:
    env = os.environ.get("IMAGEGEN_HOME")
    if env:
        return Path(env).expanduser().resolve()
    return Path(platformdirs.user_data_dir("imagegen", appauthor=False))


@dataclass(frozen=True)
class Settings:
    home: Path
    #: SQLAlchemy URL of the database that holds jobs, tenants, keys and the catalog.
    database_url: str
    #: model id used when a request names none (SPEC §1).
    default_model: str = "gpt-image-2"
    #: number of worker threads that run jobs inside the server process.
    workers: int = 2
    #: extra settings by name (engine routes, upstream credentials, ...), from IMAGEGEN_* variables.
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def assets_dir(self) -> Path:
        return self.home / "assets"

    @property
    def store_url(self) -> str:
        """``IMAGEGEN_STORE_URL``: where assets live (``s3://bucket/prefix`` or ``file:///path``); empty means
        ``assets_dir``. See ``provenance.catalog.store.open_store`` and docs/deploy.md."""
        return self.extra.get("store_url", "").strip()

    @property
    def keys_dir(self) -> Path:
        """Signing certificates and private keys (0600)."""
        return self.home / "keys"

    @classmethod
    def from_env(cls, home: Path | None = None) -> Settings:
        home = Path(home).resolve() if home is not None else default_home()
        url = os.environ.get("IMAGEGEN_DATABASE_URL") or f"sqlite:///{home / 'imagegen.db'}"
        extra = {k[len("IMAGEGEN_"):].lower(): v for k, v in os.environ.items() if k.startswith("IMAGEGEN_")}
        return cls(
            home=home,
            database_url=url,
            default_model=os.environ.get("IMAGEGEN_DEFAULT_MODEL", "gpt-image-2"),
            workers=int(os.environ.get("IMAGEGEN_WORKERS", "2")),
            extra=extra,
        )

    def ensure_dirs(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.assets_dir.mkdir(parents=True, exist_ok=True)
        self.keys_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.keys_dir, 0o700)
