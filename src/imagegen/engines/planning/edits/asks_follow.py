"""An edit changes what the brief asks for: the plan's asks follow the edited text and codes.

The asks list what the original prompt wanted on the canvas ("Spring Sale"). A plan-level edit the client
requested ("change the headline to Summer Sale") replaces that wish: the ask for the old text of an edited
node becomes an ask for its new text, and an ask for a node the edit removed is dropped. Without this the
verifier would fail every text edit for no longer showing the text the client asked to replace.
"""

from __future__ import annotations

from imagegen.engines.planning.plan import CodeNode, Plan, TextNode


def _exact(plan: Plan) -> dict[str, tuple[str, str]]:
    """Node id -> (ask kind, exact content) for every text and code node."""
    out: dict[str, tuple[str, str]] = {}
    for node in plan.walk():
        if isinstance(node, TextNode):
            out[node.id] = ("text", node.text)
        elif isinstance(node, CodeNode):
            out[node.id] = ("code", node.data)
    return out


def follow_asks(old: Plan, new: Plan) -> Plan:
    """``new`` with its asks updated for the text/code nodes the edit changed or removed."""
    before, after = _exact(old), _exact(new)
    replaced: dict[tuple[str, str], str | None] = {}
    for node_id, (kind, value) in before.items():
        now = after.get(node_id)
        if now is None:
            replaced[(kind, value)] = None
        elif now[1] != value:
            replaced[(kind, value)] = now[1]
    still_drawn = {v for v in after.values()}
    if not replaced:
        return new
    asks = []
    for ask in new.asks:
        key = (ask.kind, ask.value)
        if key in replaced and key not in still_drawn:
            if replaced[key] is None:
                continue
            ask = ask.model_copy(update={"value": replaced[key]})
        asks.append(ask)
    return new.model_copy(update={"asks": asks})
