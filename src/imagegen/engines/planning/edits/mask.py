"""The masked-edit helpers, shared by every engine: they live in ``imagegen.engines.masks``."""

from imagegen.engines.masks import (
    Region,
    bounding_region,
    composite,
    editable_from_mask,
    inner_region,
    region_image,
    to_array,
    unmasked_sha256,
    whole_image,
    working_mode,
)

__all__ = [
    "Region",
    "bounding_region",
    "composite",
    "editable_from_mask",
    "inner_region",
    "region_image",
    "to_array",
    "unmasked_sha256",
    "whole_image",
    "working_mode",
]
