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
    # a table lamp: a fabric shade over a ceramic base on a small foot
    "product-lamp": (
        '<path fill="#5b8fa8" d="M16 16.5c3.2 0 5.5 2.8 5.5 6.6 0 3.3-1.4 5.6-3 6.9h-5c-1.6-1.3-3-3.6-3-6.9'
        ' 0-3.8 2.3-6.6 5.5-6.6z"/>'
        '<path fill="#4a7a91" d="M17.6 16.8c2.3.7 3.9 3.1 3.9 6.3 0 3.3-1.4 5.6-3 6.9h-2.2c1.3-1.3 2.4-3.6'
        ' 2.4-6.9 0-3-.4-5.2-1.1-6.3z"/>'
        '<rect width="1.2" height="8" x="12.2" y="19.5" fill="#8fb9cc" rx=".6"/>'
        '<rect width="9" height="1.5" x="11.5" y="29.6" fill="#3d4349" rx=".7"/>'
        '<rect width="1.4" height="2.6" x="15.3" y="14.2" fill="#c9a24a"/>'
        '<path fill="#efe6d2" d="M9.5 3.5h13l4.5 11H5z"/>'
        '<path fill="#dccfb3" d="M19 3.5h3.5l4.5 11h-4.4z"/>'
    ),
    # an arc floor lamp: a weighted base, a tall stem that arcs over, a dome shade hanging from its end
    "product-floor-lamp": (
        '<path fill="#c79a3e" d="M6 16A11 11 0 0 1 26.01 9.69l-.82.57A10 10 0 0 0 7 16z"/>'
        '<rect width="1" height="13.8" x="6" y="15.9" fill="#c79a3e"/>'
        '<path fill="#a88030" d="M6.6 15.9h.4v13.8h-.4z"/>'
        '<ellipse cx="6.5" cy="29.9" fill="#3d4349" rx="4.6" ry="1.4"/>'
        '<ellipse cx="26.2" cy="16.1" fill="#ffe6a0" rx="2.6" ry=".9"/>'
        '<path fill="#efe6d2" d="M22.1 16c0-3.3 1.8-5.7 4.1-5.7s4.1 2.4 4.1 5.7z"/>'
        '<path fill="#d9cbab" d="M26.8 10.4c1.9.5 3.5 2.7 3.5 5.6h-2.2c0-2.6-.5-4.6-1.3-5.6z"/>'
    ),
}

#: the head noun a product brief names -> its drawing (a compound with an exact drawing in the set, "baby
#: bottle", keeps that drawing); a two-word key ("floor lamp") names a different drawing than its head noun
PRODUCT_WORDS: dict[str, str] = {
    **dict.fromkeys(("bottle", "flask", "tumbler", "thermos"), "product-bottle"),
    **dict.fromkeys(("earbud", "earbuds", "airpod", "airpods", "earphone", "earphones"), "product-earbuds"),
    **dict.fromkeys(("mug",), "product-mug"),
    **dict.fromkeys(("soda", "cola"), "product-can"),
    **dict.fromkeys(("serum", "dropper", "tincture"), "product-dropper"),
    # a lamp alone stays the set's own lamp (an oil lamp among marigolds); a product lamp is named as one
    **dict.fromkeys(("table lamp", "desk lamp", "bedside lamp"), "product-lamp"),
    **dict.fromkeys(("floor lamp", "arc lamp", "standing lamp", "reading lamp"), "product-floor-lamp"),
}
