"""Write or check ``docs/plan.schema.json``, the JSON Schema of the Plan (what a client may send as ``plan``).

python -m imagegen.engines.planning.planner.schema          # write docs/plan.schema.json
python -m imagegen.engines.planning.planner.schema --check  # exit 1 when the file is stale
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..plan import PLAN_VERSION, plan_json_schema

DEFAULT_PATH = Path(__file__).resolve().parents[5] / "docs" / "plan.schema.json"


def schema_text() -> str:
    """The schema as committed: sorted keys, 2-space indent, trailing newline."""
    schema = plan_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://imagegen.local/schemas/plan-{PLAN_VERSION}.json"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema file, or with ``--check`` report whether it is current."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[args.index("--out") + 1]) if "--out" in args else DEFAULT_PATH
    text = schema_text()
    if "--check" in args:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is stale: run python -m imagegen.engines.planning.planner.schema", file=sys.stderr)
            return 1
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
