"""Integrations with other tools (ComfyUI node pack, ...)."""
