"""Recipes: a pipeline is data (YAML or JSON), validated into typed steps before anything runs.

A recipe names its steps in order; each step works on the images the step before it left (``from`` names
an earlier step instead). Every step that makes pixels makes one image per image it received (a
``generate`` step makes ``n``). Recipes ship inside the package (``recipes/``) and operators add their own
under ``$IMAGEGEN_HOME/recipes/`` (a file there wins over a shipped one of the same name). A recipe's
``version`` and the sha256 of its text are recorded with every asset it makes.

Step kinds:

``capture``   start from the request's input image(s) (the pipeline runs as an edit)
``generate``  make ``n`` images from ``prompt`` (``{prompt}`` is the request's prompt) on ``model``
``edit``      edit each image with ``prompt`` (a planning-engine image is edited at plan level)
``stylize``   image-to-image on ``model`` or ``IMAGEGEN_STYLIZE_MODEL``; skipped, and said so in the
              report, when neither is set; the exact text of a planned image is set again over the result
``upscale``   Real-ESRGAN to ``size`` (an exact contract size) or by ``scale``, tiled
``review``    record a review state and comment on each image (e.g. "ready for client review")
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from imagegen.contract.errors import InvalidValue, ModelNotFound
from imagegen.contract.limits import limits_for
from imagegen.contract.sizes import parse_size

#: the prefix of pipeline model ids: ``pipeline/<recipe name>``
PREFIX = "pipeline/"
SHIPPED = Path(__file__).resolve().parent / "recipes"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
#: a recipe file is small; a bigger one is refused before parsing
MAX_RECIPE_BYTES = 64 * 1024
MAX_STEPS = 16


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    #: the step whose images this one works on (default: the step before)
    source: str | None = Field(default=None, alias="from")


class CaptureStep(_Step):
    kind: Literal["capture"]


class GenerateStep(_Step):
    kind: Literal["generate"]
    prompt: str = "{prompt}"
    model: str | None = None
    size: str | None = None
    quality: Literal["low", "medium", "high", "auto"] | None = None
    n: int | None = Field(default=None, ge=1, le=10)


class EditStep(_Step):
    kind: Literal["edit"]
    prompt: str
    model: str | None = None


class StylizeStep(_Step):
    kind: Literal["stylize"]
    prompt: str
    model: str | None = None
    #: how closely the result keeps the input (the contract's ``input_fidelity``)
    fidelity: Literal["low", "high"] = "high"
    #: set the plan's exact text (and codes) again over the stylized picture
    keep_text: bool = True


class UpscaleStep(_Step):
    kind: Literal["upscale"]
    size: str | None = None
    scale: Literal[2, 4] | None = None

    @model_validator(mode="after")
    def _one_target(self) -> UpscaleStep:
        if (self.size is None) == (self.scale is None):
            raise ValueError("an upscale step names exactly one of 'size' or 'scale'")
        return self


class ReviewStep(_Step):
    kind: Literal["review"]
    state: Literal["draft", "approved", "rejected"] = "draft"
    comment: str = Field(default="", max_length=500)


Step = Annotated[CaptureStep | GenerateStep | EditStep | StylizeStep | UpscaleStep | ReviewStep,
                 Field(discriminator="kind")]


class Recipe(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    version: int = Field(ge=1)
    description: str = ""
    steps: list[Step] = Field(min_length=1, max_length=MAX_STEPS)

    @model_validator(mode="after")
    def _check(self) -> Recipe:
        if not _NAME.match(self.name):
            raise ValueError(f"name {self.name!r} must be lowercase letters, digits and dashes")
        seen: list[str] = []
        for i, step in enumerate(self.steps):
            if step.id in seen:
                raise ValueError(f"step id {step.id!r} is used twice")
            if step.source is not None and step.source not in seen:
                raise ValueError(f"step {step.id!r} reads from {step.source!r}, which is not an earlier step")
            starts = isinstance(step, CaptureStep | GenerateStep)
            if i == 0 and not starts:
                raise ValueError("the first step must be 'capture' or 'generate'")
            if i > 0 and isinstance(step, CaptureStep):
                raise ValueError("'capture' can only be the first step")
            size = getattr(step, "size", None)
            if size is not None:
                param = f"steps.{step.id}.size"
                parsed = parse_size(size, param=param)
                if parsed is not None:  # an exact size obeys imagegen's own size rule
                    limits_for("imagegen-design").sizes.check(*parsed, size, param=param)
            seen.append(step.id)
        return self

    @property
    def starts_from_image(self) -> bool:
        return isinstance(self.steps[0], CaptureStep)


@dataclass(frozen=True)
class LoadedRecipe:
    """A validated recipe and where it came from (recorded with every asset it makes)."""

    recipe: Recipe
    sha256: str
    origin: str

    def provenance(self) -> dict[str, Any]:
        return {"recipe": self.recipe.name, "version": self.recipe.version, "sha256": self.sha256,
                "origin": self.origin}


def parse_recipe(text: str, *, origin: str = "<text>") -> LoadedRecipe:
    """Validate a recipe given as YAML or JSON text; ``InvalidValue`` says what is wrong and where."""
    if len(text.encode()) > MAX_RECIPE_BYTES:
        raise InvalidValue(f"Recipe {origin} is larger than {MAX_RECIPE_BYTES // 1024} KiB.", param="recipe")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidValue(f"Recipe {origin} is not valid YAML/JSON: {exc}".splitlines()[0],
                           param="recipe") from exc
    if not isinstance(data, dict):
        raise InvalidValue(f"Recipe {origin} must be a mapping with name, version and steps.", param="recipe")
    try:
        recipe = Recipe.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InvalidValue(f"Invalid recipe {origin}: {where + ': ' if where else ''}{message}",
                           param="recipe") from exc
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return LoadedRecipe(recipe, hashlib.sha256(canonical.encode()).hexdigest(), origin)


def _folders(home: Path | None) -> list[Path]:
    return ([home / "recipes"] if home is not None else []) + [SHIPPED]


def _files(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix in (".yaml", ".yml", ".json") and path.is_file():
                yield path


def load_recipe(name: str, home: Path | None = None) -> LoadedRecipe:
    """The recipe called ``name``: ``$IMAGEGEN_HOME/recipes/<name>.yaml|yml|json`` first, then the shipped
    ones. ``ModelNotFound`` for a name no folder holds (the model id ``pipeline/<name>`` does not exist)."""
    if not _NAME.match(name):
        raise ModelNotFound(f"The model '{PREFIX}{name}' does not exist: recipe names are lowercase letters, "
                            "digits and dashes.", param="model")
    for folder in _folders(home):
        for path in _files(folder):
            if path.stem == name:
                if path.stat().st_size > MAX_RECIPE_BYTES:
                    raise InvalidValue(f"Recipe {path.name} is larger than {MAX_RECIPE_BYTES // 1024} KiB.",
                                       param="recipe")
                loaded = parse_recipe(path.read_text(), origin=path.name)
                if loaded.recipe.name != name:
                    raise InvalidValue(f"Recipe file {path.name} names itself {loaded.recipe.name!r}.",
                                       param="recipe")
                return loaded
    raise ModelNotFound(f"The model '{PREFIX}{name}' does not exist: no recipe named {name!r} "
                        f"(see `imagegen recipes`).", param="model")


def list_recipes(home: Path | None = None) -> list[LoadedRecipe]:
    """Every recipe by name (an operator's file hides a shipped one of the same name)."""
    found: dict[str, LoadedRecipe] = {}
    for folder in _folders(home):
        for path in _files(folder):
            if path.stem not in found:
                found[path.stem] = load_recipe(path.stem, home)
    return [found[k] for k in sorted(found)]
