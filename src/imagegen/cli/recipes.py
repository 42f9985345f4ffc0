"""``imagegen recipes``: the pipelines this installation can run, and ``imagegen recipes check FILE``.

A recipe runs as the model ``pipeline/<name>`` through every front door: ``imagegen generate --model
pipeline/storyboard-keyframes "..."``, ``imagegen run pipeline/storyboard-keyframes/text-to-image ...``
(progress on stderr), or the HTTP API. See docs/pipelines.md.
"""

from __future__ import annotations

from pathlib import Path

import click

from imagegen.cli.options import emit_json
from imagegen.config import default_home
from imagegen.engines.pipeline import list_recipes, parse_recipe
from imagegen.engines.pipeline.recipe import MAX_RECIPE_BYTES, PREFIX, LoadedRecipe


def _row(loaded: LoadedRecipe) -> dict[str, object]:
    recipe = loaded.recipe
    return {"model": PREFIX + recipe.name, "name": recipe.name, "version": recipe.version,
            "description": recipe.description, "origin": loaded.origin, "sha256": loaded.sha256,
            "starts_from_image": recipe.starts_from_image,
            "steps": [{"id": s.id, "kind": s.kind} for s in recipe.steps]}


@click.group("recipes", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the recipes as JSON.")
@click.pass_context
def recipes(ctx: click.Context, as_json: bool) -> None:
    """List the pipeline recipes (shipped, and $IMAGEGEN_HOME/recipes/)."""
    if ctx.invoked_subcommand is not None:
        return
    rows = [_row(r) for r in list_recipes(default_home())]
    if as_json:
        emit_json({"recipes": rows})
        return
    for row in rows:
        steps = " -> ".join(f"{s['kind']}" for s in row["steps"])  # type: ignore[attr-defined]
        click.echo(f"{row['model']}  v{row['version']}  {steps}")
        if row["description"]:
            click.echo(f"    {row['description']}")


@recipes.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check(path: Path) -> None:
    """Validate a recipe file (exit 65 with the reason when it is not valid)."""
    if path.stat().st_size > MAX_RECIPE_BYTES:
        raise click.UsageError(f"{path} is larger than {MAX_RECIPE_BYTES // 1024} KiB")
    loaded = parse_recipe(path.read_text(), origin=path.name)
    recipe = loaded.recipe
    click.echo(f"ok: {PREFIX}{recipe.name} v{recipe.version} ({len(recipe.steps)} steps)")


def register(group: click.Group) -> None:
    """Add ``recipes`` to the ``imagegen`` group."""
    group.add_command(recipes)
