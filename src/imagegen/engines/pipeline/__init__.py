"""Pipelines: recipes (data) whose steps run other engines as one job (``pipeline/<recipe>``)."""

from imagegen.engines.pipeline.engine import PipelineEngine
from imagegen.engines.pipeline.recipe import LoadedRecipe, Recipe, list_recipes, load_recipe, parse_recipe

__all__ = ["LoadedRecipe", "PipelineEngine", "Recipe", "list_recipes", "load_recipe", "parse_recipe"]
