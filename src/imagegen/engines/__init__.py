"""Engines turn a validated request into pixels. One small protocol (``base.Engine``), chosen by route."""
