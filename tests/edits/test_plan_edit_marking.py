"""A plan-level edit without a mask, end to end through the service and the save point (issue 10).

The engine composites only the damage region, and provenance marks only that region: in the *files*
(watermarked, signed PNGs) every pixel outside the changed nodes is the input's, the watermark is not
re-embedded over the whole picture, and the answer and the catalog carry the unchanged-region hashes.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from imagegen.config import Settings
from imagegen.contract.images import ImageUpload
from imagegen.contract.parse import parse_edit_request, parse_generate_request
from imagegen.db.engine import dispose_all
from imagegen.provenance.catalog.repository import CatalogRepository
from imagegen.service import Service

POSTER = 'A launch poster with the headline "Ship It Friday" and a QR code linking to https://example.com'


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    home = tmp_path / "home"
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}", workers=1)
    with Service(settings) as svc:
        yield svc
    dispose_all()


def _pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_plan_edit_changes_only_the_edited_nodes_in_the_file(service: Service) -> None:
    known = service.is_known_model
    made = parse_generate_request({"prompt": POSTER, "size": "1024x1024", "quality": "low"},
                                  default_model="gpt-image-2", known_model=known)
    original = service.run("acme", "generate", made.spec, params=made.params).assets[0]
    edit = parse_edit_request({"prompt": 'change the headline to "Ship It Monday"', "quality": "low"},
                              [ImageUpload(data=original.data, param="image")], None,
                              default_model="gpt-image-2", known_model=known)
    outcome = service.run("acme", "edit", edit.spec, params=edit.params)
    image = outcome.result.images[0]
    assert image.extra["edit_mode"] == "plan" and image.extra["touched_nodes"] == ["headline"]
    before, after = _pixels(original.data), _pixels(outcome.assets[0].data)
    region = np.asarray(image.editable_region) > 0
    changed = (before != after).any(axis=2)
    # bit-identical outside the changed nodes, in the marked file; the watermark stayed inside the region
    assert not (changed & ~region).any()
    assert changed.mean() < 0.2 and region.mean() < 0.2, (changed.mean(), region.mean())
    # the unchanged-region hash, as for masked edits: recomputable from the two files
    outside = hashlib.sha256(before[~region].tobytes()).hexdigest()
    assert image.extra["unmasked_sha256_before"] == image.extra["unmasked_sha256_after"] == outside
    assert hashlib.sha256(after[~region].tobytes()).hexdigest() == outside
    # ... and the catalog keeps it with the asset
    recorder = service._recorder()
    with recorder.sessions() as session:
        row = CatalogRepository(session, "acme").get(outcome.assets[0].asset_id)
        assert row.extra["unmasked_sha256_after"] == outside
