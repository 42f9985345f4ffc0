"""The planning engine: prompt -> plan -> render -> verify -> refine, on a CPU, with exact text."""

#: bump when rendering output for the same plan + seed + fonts can change (determinism contract)
ENGINE_VERSION = "0.1.0"
ENGINE_NAME = "imagegen-planning"
