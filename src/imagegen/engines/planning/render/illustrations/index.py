"""The word index of the illustration set: names, keywords and sentence embeddings, cached on disk.

Built once (scripts/install-illustrations runs ``python -m ...illustrations.index``; a render that finds no
cache builds it too) into ``<set dir>/index-<model>.npz``; the cache names the model and holds the exact name
list it was built from, so a new set version or model rebuilds it.

Matching a phrase from the brief (:meth:`IllustrationIndex.match`):

1. **exact keyword** — a word of the phrase is the whole name of a drawing ("cat", "compass"), else its head
   word ("lantern" -> red-paper-lantern) or one of its emojilib keywords ("earbud" -> headphone, "tea" ->
   teapot), the best of those by embedding similarity to the whole phrase (at least 0.5);
2. **embedding** — otherwise the nearest name by cosine similarity of MiniLM sentence embeddings
   ("kitten" -> cat, "cyclist" -> person-biking), accepted above :data:`MIN_SCORE`.
"""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np

from imagegen.engines.planning.render.illustrations.embed import MODEL_NAME, Array, encoder, one_blas_thread
from imagegen.engines.planning.render.illustrations.library import IllustrationSet, library

#: cosine similarity a nearest name needs to count as a match (below it the phrase draws nothing)
MIN_SCORE = 0.63
#: a head word or keyword hit must still be this similar to the phrase ("right" is the head word of
#: person-kneeling-facing-right, at 0.18)
MIN_KEYWORD_SCORE = 0.5
#: categories that are signs rather than things (keycaps, zodiac, arrows) stay out of the index
_SKIP_CATEGORIES = frozenset({"Symbols", "Flags"})
_VERSION = 1


@dataclass(frozen=True)
class Match:
    query: str
    name: str
    score: float
    how: Literal["exact", "embedding"]


class IllustrationIndex:
    def __init__(self, lib: IllustrationSet, names: list[str], vectors: Array) -> None:
        self.lib = lib
        self.names = names
        self.vectors = vectors
        self.words = [tuple(n.split("-")) for n in names]
        self._by_word: dict[str, list[int]] = {}
        self._by_keyword: dict[str, list[int]] = {}
        for i, ws in enumerate(self.words):
            for w in set(ws):
                self._by_word.setdefault(w, []).append(i)
            for kw in lib.keywords.get(names[i], ()):
                forms = {kw, kw[:-1]} if kw.endswith("s") and len(kw) > 3 else {kw}
                for form in forms - set(ws):
                    self._by_keyword.setdefault(form, []).append(i)
        self._row = {n: i for i, n in enumerate(names)}
        self._lock = threading.Lock()

    # -- queries -------------------------------------------------------------------------------------------
    def embed(self, phrase: str) -> Array:
        return _embed_query(phrase)

    def similarity(self, name: str, phrase: str) -> float:
        return float(self.vectors[self._row[name]] @ self.embed(phrase))

    def nearest(self, phrase: str, k: int = 5) -> list[tuple[str, float]]:
        q = self.embed(phrase)
        with one_blas_thread():
            scores = self.vectors @ q
        top = np.argsort(-scores)[:k]
        return [(self.names[i], float(scores[i])) for i in top]

    def exact(self, word: str, context: str | None = None) -> tuple[str, float] | None:
        """The drawing a single word names: the drawing of that name, else the best (by similarity to
        ``context``) of those whose head word or keyword it is, when similar enough."""
        hits = self._by_word.get(word, [])
        whole = [i for i in hits if self.words[i] == (word,)]
        phrase = context or word
        if whole:
            return self.names[whole[0]], self.similarity(self.names[whole[0]], phrase)
        found = {*(i for i in hits if self.words[i][-1] == word), *self._by_keyword.get(word, [])}
        # an animal's face ("cat-face", keyword "kitten") stands for the whole animal ("cat") if drawn
        found |= {
            self._row[n[:-5]]
            for n in (self.names[i] for i in found)
            if n.endswith("-face") and n[:-5] in self._row
        }
        pool = sorted(found)
        if not pool:
            return None
        q = self.embed(phrase)
        with one_blas_thread():
            scores = self.vectors[pool] @ q
        j = max(range(len(pool)), key=lambda k: (float(scores[k]), -len(self.words[pool[k]])))
        if float(scores[j]) < MIN_KEYWORD_SCORE:
            return None
        return self.names[pool[j]], float(scores[j])

    def match(self, phrase: str, *, min_score: float = MIN_SCORE) -> Match | None:
        words = phrase.split()
        for w in reversed(words):  # the head noun of an English noun phrase is its last word
            found = self.exact(w, phrase)
            if found is not None:
                return Match(phrase, found[0], found[1], "exact")
        name, score = self.nearest(phrase, 1)[0]
        if score >= min_score:
            return Match(phrase, name, score, "embedding")
        return None


@lru_cache(maxsize=4096)
def _embed_query(phrase: str) -> Array:
    return encoder().encode([phrase])[0]


def index_names(lib: IllustrationSet) -> list[str]:
    return [n for n in lib.names() if lib.categories.get(n) not in _SKIP_CATEGORIES]


def _key(names: list[str]) -> str:
    h = hashlib.sha256(f"{MODEL_NAME}\n{_VERSION}\n".encode())
    h.update("\n".join(names).encode())
    return h.hexdigest()[:16]


def cache_path(lib: IllustrationSet) -> Path:
    return lib.root / f"index-{MODEL_NAME}.npz"


def build_index(lib: IllustrationSet, *, write: bool = True) -> IllustrationIndex:
    """Load the cached index, or embed every name (and cache it when the folder is writable)."""
    names = index_names(lib)
    key = _key(names)
    path = cache_path(lib)
    if path.is_file():
        with np.load(path, allow_pickle=False) as data:
            if str(data["key"]) == key:
                return IllustrationIndex(lib, names, data["vectors"].astype(np.float32))
    vectors = encoder().encode([n.replace("-", " ") for n in names])
    if write:
        try:
            tmp = path.with_suffix(".tmp.npz")
            np.savez(tmp, key=np.array(key), vectors=vectors.astype(np.float16))
            tmp.replace(path)
        except OSError:
            pass  # a read-only install rebuilds in memory once per process
    return IllustrationIndex(lib, names, vectors)


_lock = threading.Lock()
_index: dict[Path, IllustrationIndex] = {}


def index() -> IllustrationIndex:
    """The installed set's index, loaded once per process."""
    lib = library()
    with _lock:
        found = _index.get(lib.root)
        if found is None:
            found = _index[lib.root] = build_index(lib)
        return found


def main() -> int:
    started = time.perf_counter()
    idx = index()
    lic = idx.lib.licence
    print(
        f"illustration index: {len(idx.names)} drawings of {lic.title} {lic.version} ({lic.spdx}), "
        f"{cache_path(idx.lib)}, {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
