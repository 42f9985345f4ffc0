"""Clean product silhouettes for products the emoji set draws wrongly (issue 8: a "water bottle" was a baby
bottle, "earbuds" were over-ear headphones, a "coffee mug" a beer mug).

A product brief wants the product, not a cartoon of something near it: when the set has no drawing of the
product, a plain, neutral container of the right shape is the honest picture. These are flat drawings in
the set's own 32 x 32 viewBox and flat-fill style (a body, a darker side, a highlight), so the scene code
rasterises, recolours and shadows them like any other drawing. They are added to the loaded set under
``product-*`` names that the embedding index never offers: only :data:`PRODUCT_WORDS` picks them.
"""

from __future__ import annotations

#: drawing name -> SVG body (viewBox 0 0 32 32); the first saturated fill is the one a named colour takes
PRODUCT_DRAWINGS: dict[str, str] = {
    # a straight-sided bottle with shoulders, a short neck and a screw cap (water, sports, ceramic)
    "product-bottle": (
        '<path fill="#6fa8a3" d="M9.5 13c0-2.3 1.6-3.8 4.1-4.4V7h4.8v1.6c2.5.6 4.1 2.1 4.1 4.4V28'
        'c0 1.4-1.1 2.5-2.5 2.5h-8C10.6 30.5 9.5 29.4 9.5 28z"/>'
        '<path fill="#5a908b" d="M18.4 8.6c2.5.6 4.1 2.1 4.1 4.4V28c0 1.4-1.1 2.5-2.5 2.5h-2.2'
        'c1.2 0 2-1.1 2-2.5V13c0-2.3-.7-3.8-1.4-4.4z"/>'
        '<rect width="1.4" height="15" x="11.2" y="12.5" fill="#a9d1cd" rx=".7"/>'
        '<rect width="6.4" height="4.6" x="12.8" y="2.6" fill="#3d4349" rx="1"/>'
        '<path fill="#2c3136" d="M17.6 2.6h.6c.6 0 1 .4 1 1v2.6c0 .5-.4 .9-1 .9h-.6z"/>'
    ),
    # two in-ear buds (round head, stem) floating over their charging case
    "product-earbuds": (
        '<rect width="18" height="10.5" x="3.5" y="19" fill="#dfe2e7" rx="5.2"/>'
        '<path fill="#c3c8d0" d="M3.6 23.3h17.8v.8H3.6z"/>'
        '<path fill="#eef0f3" d="M6 20.4h9.5c.5 0 .5.8 0 .8H6c-.5 0-.5-.8 0-.8z"/>'
        '<g transform="rotate(-22 19 8)"><circle cx="19" cy="6.6" r="3.6" fill="#26282d"/>'
        '<rect width="2.4" height="7.2" x="17.8" y="8" fill="#26282d" rx="1.2"/>'
        '<circle cx="17.6" cy="5.4" r="1.5" fill="#44474f"/></g>'
        '<g transform="rotate(18 26.5 13)"><circle cx="26.5" cy="11.6" r="3.3" fill="#26282d"/>'
        '<rect width="2.2" height="6.6" x="25.4" y="13" fill="#26282d" rx="1.1"/>'
        '<circle cx="27.8" cy="10.5" r="1.4" fill="#44474f"/></g>'
    ),
    # a plain ceramic mug with a handle
    "product-mug": (
        '<path fill="#d9826b" d="M21 13.5h2.6c2.5 0 4.4 2 4.4 4.4s-2 4.4-4.4 4.4H21v-2.4h2.6'
        'c1.1 0 2-.9 2-2s-.9-2-2-2H21z"/>'
        '<path fill="#d9826b" d="M5 10.5h17v15c0 2.5-2 4.5-4.5 4.5h-8C7 30 5 28 5 25.5z"/>'
        '<path fill="#bf6d58" d="M18.5 10.5H22v15c0 2.5-2 4.5-4.5 4.5H15c2.2 0 3.5-2 3.5-4.5z"/>'
        '<ellipse cx="13.5" cy="10.5" fill="#7a4a3a" rx="8.5" ry="1.3"/>'
        '<rect width="1.3" height="13" x="7" y="13" fill="#eaa997" rx=".65"/>'
    ),
    # a drink can
    "product-can": (
        '<path fill="#d9534a" d="M9.5 6.5h13V28c0 1.4-1.1 2.5-2.5 2.5h-8c-1.4 0-2.5-1.1-2.5-2.5z"/>'
        '<path fill="#b8443c" d="M19.5 6.5h3V28c0 1.4-1.1 2.5-2.5 2.5h-1.4c.6 0 .9-1.1.9-2.5z"/>'
        '<path fill="#c5cbd2" d="M10.2 3.5h11.6l.7 3H9.5z"/>'
        '<rect width="1.3" height="19" x="11" y="8" fill="#ec8a82" rx=".65"/>'
    ),
    # a dropper bottle (serum, oil, tincture)
    "product-dropper": (
        '<path fill="#c08040" d="M10.5 15.5c0-1.4 1.1-2.5 2.5-2.5h6c1.4 0 2.5 1.1 2.5 2.5V28'
        'c0 1.4-1.1 2.5-2.5 2.5h-6c-1.4 0-2.5-1.1-2.5-2.5z"/>'
        '<path fill="#a56a32" d="M18 13h1c1.4 0 2.5 1.1 2.5 2.5V28c0 1.4-1.1 2.5-2.5 2.5h-1z"/>'
        '<rect width="1.2" height="12" x="12" y="15.5" fill="#dca56d" rx=".6"/>'
        '<rect width="8" height="3.6" x="12" y="9.6" fill="#2f3136" rx=".8"/>'
        '<path fill="#2f3136" d="M13.6 9.8c0-3 1-6.3 2.4-6.3s2.4 3.3 2.4 6.3z"/>'
    ),
}

#: the head noun a product brief names -> its drawing (a compound with an exact drawing in the set, "baby
#: bottle", keeps that drawing)
PRODUCT_WORDS: dict[str, str] = {
    **dict.fromkeys(("bottle", "flask", "tumbler", "thermos"), "product-bottle"),
    **dict.fromkeys(("earbud", "earbuds", "airpod", "airpods", "earphone", "earphones"), "product-earbuds"),
    **dict.fromkeys(("mug",), "product-mug"),
    **dict.fromkeys(("soda", "cola"), "product-can"),
    **dict.fromkeys(("serum", "dropper", "tincture"), "product-dropper"),
}
