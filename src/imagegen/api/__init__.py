"""HTTP API: OpenAI-compatible images routes, the queue API, catalog routes, auth."""
