"""The planning engine's rules, one home each (see docs/planner.md, "Where each rule lives").

The planner, the layouts, the renderer, the verifier and the edits all call these modules; none of them
keeps its own copy. Modules here import nothing from the rest of the planning engine (``plan`` itself
checks a client's code payloads with ``rules.ean13``).
"""
