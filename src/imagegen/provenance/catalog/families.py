"""Prompt families: near-duplicate prompts share a stable family id, assigned once at record time.

MinHash (``datasketch``) over word bigrams estimates the Jaccard similarity of two prompts. Families live in
the database, not in process memory: each family stores its founder's signature and its LSH bands
(32 bands x 4 rows of a 128-permutation signature), so finding candidate families is one indexed query that
every worker process and the CLI share. A prompt joins the candidate family with the highest estimated
Jaccard similarity at or above ``THRESHOLD``; otherwise it founds a new family whose id is its own asset id.
Why MinHash rather than embeddings: see docs/catalog.md (no model to ship, deterministic, explainable).
"""

from __future__ import annotations

import hashlib
import itertools
import re
from datetime import datetime

import numpy as np
from datasketch import MinHash
from sqlalchemy import select, tuple_

from imagegen.provenance.catalog.models import Family, FamilyBand
from imagegen.provenance.catalog.repository import CatalogRepository

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
#: estimated Jaccard similarity of word-bigram sets at or above which two prompts are one family
THRESHOLD = 0.5
_SEED = 1
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(prompt: str) -> set[str]:
    """Word bigrams of the lower-cased prompt (single words for one-word prompts)."""
    words = _WORD.findall(prompt.lower())
    if len(words) < 2:
        return set(words)
    return {f"{a} {b}" for a, b in itertools.pairwise(words)}


def signature(prompt: str) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` uint64) of a prompt's shingles."""
    mh = MinHash(num_perm=NUM_PERM, seed=_SEED)
    mh.update_batch([s.encode("utf-8") for s in sorted(shingles(prompt))])
    return np.asarray(mh.hashvalues, dtype=np.uint64)


def band_hashes(sig: np.ndarray) -> list[tuple[int, int]]:
    """``(band, hash)`` pairs: a signed 63-bit digest of each band's rows (fits BIGINT everywhere)."""
    out = []
    for b in range(BANDS):
        chunk = sig[b * ROWS : (b + 1) * ROWS].astype("<u8").tobytes()
        h = int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "little") & (2**63 - 1)
        out.append((b, h))
    return out


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """MinHash estimate of Jaccard similarity: the share of equal signature slots."""
    return float(np.count_nonzero(a == b)) / len(a)


def assign_family(repo: CatalogRepository, prompt: str, asset_id: str, created_at: datetime) -> str | None:
    """The family id for a new asset with ``prompt`` (joining or founding one); None for an empty prompt.

    Runs inside the caller's transaction, so a family and its first asset commit together.
    """
    if not shingles(prompt):
        return None
    sig = signature(prompt)
    bands = band_hashes(sig)
    session, tenant = repo.session, repo.tenant_id
    cands = set(
        session.scalars(
            select(FamilyBand.family_id).where(
                FamilyBand.tenant_id == tenant, tuple_(FamilyBand.band, FamilyBand.band_hash).in_(bands)
            )
        )
    )
    scored: list[tuple[float, str]] = []
    if cands:
        for fam_id, blob in session.execute(
            select(Family.family_id, Family.signature).where(
                Family.tenant_id == tenant, Family.family_id.in_(sorted(cands))
            )
        ):
            j = jaccard(sig, np.frombuffer(blob, dtype="<u8"))
            if j >= THRESHOLD:
                scored.append((j, fam_id))
    if scored:
        # highest similarity wins; ties go to the smallest id so the choice never depends on row order
        return min(scored, key=lambda s: (-s[0], s[1]))[1]
    session.add(
        Family(
            tenant_id=tenant,
            family_id=asset_id,
            signature=sig.astype("<u8").tobytes(),
            prompt=prompt[:2000],
            created_at=created_at,
        )
    )
    session.add_all(FamilyBand(tenant_id=tenant, band=b, band_hash=h, family_id=asset_id) for b, h in bands)
    session.flush()
    return asset_id
