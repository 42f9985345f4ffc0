"""imagegen: self-hosted image generation that speaks the GPT Image API.

Plan, render, verify, refine — with provenance for every output.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
