"""``summarize(plan)``: the plan in one paragraph, used as the response's ``revised_prompt``."""

from __future__ import annotations

from ..plan import Plan


def summarize(plan: Plan) -> str:
    """What the plan draws: archetype, size, subject, exact texts with roles and fonts, codes, palette."""
    parts = [f"{plan.archetype.replace('_', ' ').capitalize()}, {plan.canvas.width}x{plan.canvas.height}"]
    if plan.brief.subject:
        parts.append(f"showing {plan.brief.subject.rstrip('.')}")
    texts = [f'{t.role.replace("_", " ")} "{t.text}" ({t.font.family} {t.font.weight})' for t in plan.texts()]
    if texts:
        parts.append("exact text: " + "; ".join(texts))
    codes = [f"{c.symbology} encoding {c.data!r}" for c in plan.codes()]
    if codes:
        parts.append("codes: " + "; ".join(codes))
    pal = plan.theme.palette
    parts.append(
        f"{'dark' if plan.theme.dark else 'light'} {plan.theme.mood} palette {pal.background} / {pal.text} / "
        f"{pal.accent}"
    )
    if plan.variants > 1:
        parts.append(f"variant {plan.variant + 1} of {plan.variants}")
    return ". ".join(parts) + "."
