"""Edit inputs decoded at the door, handed to this process's own worker so it does not decode them again.

An edit's inputs are decoded once by the contract at the door (``contract.images.open_image``: every check,
then the pixels, brought to the working size at once). The job row keeps the bytes the client sent (hashes
and C2PA ingredients stay true, and a worker on another machine or after a restart rebuilds the spec from
them: ``spec_codec.spec_from_json``). A worker in the *same* process would decode the same bytes a second
time: for a 4096x4096 photo that is seconds and hundreds of MB of peak memory spent for nothing. So the
submitting process parks the decoded spec here under its job id, and its runner takes it back when it
claims that job. What is parked is bounded (``budget_bytes`` of pixels, oldest dropped first): a parked
spec that is dropped, or a job that another process claims, is simply rebuilt from the stored bytes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from PIL import Image

from imagegen.contract.specs import EditSpec

#: pixels parked at most (about eight edits at the largest working size, 2880x2880 RGBA)
DEFAULT_BUDGET_BYTES = 256 * 1024 * 1024


def _pixel_bytes(image: Image.Image) -> int:
    return image.width * image.height * len(image.getbands())


def spec_bytes(spec: EditSpec) -> int:
    """The decoded pixels ``spec`` holds (its inputs and mask)."""
    total = sum(_pixel_bytes(im.image) for im in spec.images)
    return total + (_pixel_bytes(spec.mask) if spec.mask is not None else 0)


class DecodedInputs:
    """Job id -> the edit spec decoded at the door (module docstring); thread-safe."""

    def __init__(self, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        self.budget_bytes = budget_bytes
        self._specs: OrderedDict[str, tuple[EditSpec, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def park(self, job_id: str, spec: EditSpec) -> bool:
        """Keep ``spec`` for ``job_id`` (False when it alone is over the budget); older ones make room."""
        size = spec_bytes(spec)
        if size > self.budget_bytes:
            return False
        with self._lock:
            self._drop(job_id)
            while self._specs and self._bytes + size > self.budget_bytes:
                self._drop(next(iter(self._specs)))
            self._specs[job_id] = (spec, size)
            self._bytes += size
        return True

    def take(self, job_id: str) -> EditSpec | None:
        """The spec parked for ``job_id``, removed from here; None when there is none."""
        with self._lock:
            found = self._specs.pop(job_id, None)
            if found is None:
                return None
            self._bytes -= found[1]
            return found[0]

    def discard(self, job_id: str) -> None:
        """Forget ``job_id`` (the job ended without this process running it)."""
        with self._lock:
            self._drop(job_id)

    @property
    def parked_bytes(self) -> int:
        with self._lock:
            return self._bytes

    def __len__(self) -> int:
        with self._lock:
            return len(self._specs)

    def _drop(self, job_id: str) -> None:
        found = self._specs.pop(job_id, None)
        if found is not None:
            self._bytes -= found[1]
