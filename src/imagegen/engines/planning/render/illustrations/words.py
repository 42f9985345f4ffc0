"""Reading a picture brief: the things to draw, the setting, the time of day and the weather.

``read_brief(text)`` splits the words of a picture prompt into

- **time** (dawn, day, dusk, night) and **weather** (clear, cloudy, rain, snow, storm, fog): they set the sky;
- **setting** (city/rooftops, market, sea/coast/pier, park/forest, mountains, desert, space, snow, tabletop,
  room — a tea shop is a room):
  the backdrop and the ground;
- **things**: the remaining content words and two-word compounds, matched to drawings by the index
  (exact keyword, then embeddings); the first is the subject, the rest are props;
- **roles** worn by another thing ("a cat detective" is a cat with the detective's magnifier) or by a
  person when the set has no drawing of the role ("a fisherman" is a person with a fishing pole).

Colour names are Pillow's CSS colour table; the colours themselves come from the plan (``ImageNode.colors``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from PIL import ImageColor

from imagegen.engines.planning.render.illustrations.index import IllustrationIndex, Match
from imagegen.engines.planning.render.illustrations.products import PRODUCT_WORDS


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``."""
    return frozenset(text.split())


TIME_WORDS: dict[str, str] = {
    **dict.fromkeys(("dawn", "sunrise", "daybreak", "morning"), "dawn"),
    **dict.fromkeys(("noon", "midday", "day", "daytime", "sunny", "afternoon"), "day"),
    **dict.fromkeys(("dusk", "sunset", "evening", "twilight", "golden"), "dusk"),
    **dict.fromkeys(("night", "midnight", "nighttime", "moonlit", "moonlight", "nocturnal"), "night"),
}
WEATHER_WORDS: dict[str, str] = {
    **dict.fromkeys(("rain", "rainy", "raining", "drizzle", "downpour", "wet", "shower"), "rain"),
    **dict.fromkeys(("snow", "snowy", "snowing", "blizzard", "winter", "snowfall"), "snow"),
    **dict.fromkeys(("storm", "stormy", "thunder", "thunderstorm", "lightning"), "storm"),
    **dict.fromkeys(("fog", "foggy", "mist", "misty", "haze"), "fog"),
    **dict.fromkeys(("cloud", "clouds", "cloudy", "overcast", "grey sky"), "cloudy"),
    **dict.fromkeys(("clear", "sunshine"), "clear"),
}
SETTING_WORDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "rooftop",
            "rooftops",
            "roof",
            "roofs",
            "city",
            "town",
            "street",
            "streets",
            "downtown",
            "skyline",
            "village",
            "alley",
            "urban",
            "cafe",
            "café",
            "shop",
            "store",
            "storefront",
            "bakery",
            "restaurant",
            "boutique",
        ),
        "city",
    ),
    **dict.fromkeys(("market", "bazaar", "marketplace", "stall", "stalls", "souk"), "market"),
    **dict.fromkeys(
        (
            "sea",
            "ocean",
            "coast",
            "coastal",
            "beach",
            "pier",
            "harbor",
            "harbour",
            "lake",
            "shore",
            "seaside",
            "waves",
            "dock",
            "port",
            "bay",
        ),
        "sea",
    ),
    **dict.fromkeys(
        ("forest", "woods", "park", "garden", "meadow", "field", "countryside", "jungle"), "park"
    ),
    **dict.fromkeys(("mountain", "mountains", "hills", "hill", "valley", "alps", "peak"), "mountains"),
    **dict.fromkeys(("desert", "dunes", "sahara"), "desert"),
    **dict.fromkeys(("space", "galaxy", "orbit", "cosmos", "universe", "outer"), "space"),
    **dict.fromkeys(
        ("linen", "table", "tabletop", "counter", "desk", "shelf", "marble", "pedestal", "podium"),
        "tabletop",
    ),
    **dict.fromkeys(
        ("kitchen", "room", "interior", "office", "bedroom", "library", "teahouse", "tearoom", "teashop"),
        "room",
    ),
}
#: places named in two words that are rooms, not streets ("a tea shop poster": a table by a window)
_INTERIORS = re.compile(r"\btea[ -]?(?:shop|house|room|parlou?r)s?\b|\bcoffee[ -]?house\b")
#: a named city is where the picture is (a city street with its landmark far off on the skyline), never its
#: subject: "a small Tokyo cafe" is a cafe in Tokyo, not Tokyo Tower in front of the houses
PLACES: dict[str, str] = {
    "tokyo": "tokyo-tower",
    "osaka": "japanese-castle",
    "york": "statue-of-liberty",
    "nyc": "statue-of-liberty",
    "manhattan": "statue-of-liberty",
}
#: nouns the set has no drawing of but a near one that reads right (a word's own drawing wins over these)
STAND_INS: dict[str, str] = {
    **dict.fromkeys(("granola", "muesli", "oatmeal", "porridge", "cereal", "oat", "oats"), "bowl-with-spoon"),
    **dict.fromkeys(("podcast", "microphone"), "studio-microphone"),
    **dict.fromkeys(("hiring", "recruiting", "recruitment", "career", "careers"), "handshake"),
    **dict.fromkeys(("bakery", "pastry"), "croissant"),
    **dict.fromkeys(("mars", "jupiter", "saturn", "venus", "neptune"), "ringed-planet"),
    **dict.fromkeys(("countdown", "deadline"), "hourglass-not-done"),
    **dict.fromkeys(("brew", "espresso", "latte", "cappuccino", "americano"), "hot-beverage"),
    **dict.fromkeys(("dish", "meal", "entree", "entrée"), "fork-and-knife-with-plate"),
    **dict.fromkeys(("marigold", "daisy", "buttercup", "chrysanthemum"), "blossom"),
}
#: the pier, dock and linen are also the surface things stand on
SURFACE_WORDS: dict[str, str] = {"pier": "planks", "dock": "planks", "linen": "linen", "marble": "marble"}

#: a role that another thing can wear: the drawing's attribute prop; with no animal to wear it, a role
#: the set has no drawing of becomes a standing person with the prop
ROLES: dict[str, str] = {
    "courier": "package",
    "postman": "package",
    "detective": "magnifying-glass-tilted-left",
    "sleuth": "magnifying-glass-tilted-left",
    "fisherman": "fishing-pole",
    "angler": "fishing-pole",
    "chef": "cooking",
    "cook": "cooking",
    "wizard": "magic-wand",
    "magician": "magic-wand",
    "king": "crown",
    "queen": "crown",
    "pirate": "pirate-flag",
    "painter": "artist-palette",
    "artist": "artist-palette",
    "gardener": "potted-plant",
    "musician": "guitar",
    "doctor": "stethoscope",
    "astronaut": "rocket",
    "scientist": "test-tube",
}

#: words about the picture or its design, never things in it
_DESIGN = word_set(
    """
    storyboard frame frames panel panels poster flyer illustration image picture photo photograph
    scene mascot logo icon style design background cover card banner art drawing sketch render shot
    view closeup close up hero ad advert advertisement label sticker print wallpaper series sequence
    set comic strip shows showing featuring depicting feature headline title subtitle text caption
    tagline slogan copy lettering font typography heading subhead body footer header sidebar button
    badge price date qr code barcode layout page grid column row template mockup brand brochure menu
    invitation packaging infographic dashboard chart map section frame label number sign signage plaque
    speech bubble bubbles balloon character characters expression pose shot commerce ecommerce product
    slide slides presentation deck bullet bullets post instagram web website sale offer discount
    episode results announcement announcing agenda newsletter ticket tickets coupon voucher
    """
)
_STOP = word_set(
    """
    a an the and or of in on at to with without for from by over under across through into onto near
    beside behind between above below around along its his her their our your my this that these
    those is are was were be being been it he she they them who which while as up down out off very
    some any each every one two three four five six seven eight nine ten then than just also not no
    left right top bottom middle center centre corner side front back volume colour color palette
    source tone edge half full part piece kind type sort lot bit way thing things written
    """
)
#: describing words that would otherwise be matched as things ("matte" -> a mat)
_ADJECTIVES = word_set(
    """
    matte glossy ceramic warm cool cold hot small big large little tiny giant huge cute happy sad
    angry flat modern vintage retro minimal minimalist elegant simple bold soft bright dark light
    pale deep wooden metal metallic glass plastic paper leather cozy lonely brave young old new tall
    short wide lush calm quiet busy rainy sunny foggy snowy misty stormy wireless neutral chinese
    japanese korean arabic indian hindi english french italian mexican thai open daily lunar cinematic
    photorealistic realistic hyperrealistic dramatic moody shallow dynamic dynamically crisp sharp
    """
)
_VERBS = word_set(
    """
    chasing chase running run walking walk riding ride sitting sit standing stand holding hold
    looking look flying fly jumping jump playing play eating eat drinking drink waiting wait fixing fix
    coasting glowing hanging floating swimming sleeping reading carrying wearing
    """
)
#: determiners of one thing: the head noun after them is never a plural ("a cat spills": a verb)
_SINGULAR_DETS = word_set("a an one this that each every another")
#: words that open a noun phrase: an -s word right before one is a verb taking an object ("spills the tea")
_OPENERS = word_set(
    "a an the this that these those his her its their my our your some any each every no one two three"
)
_ANIMAL_CATEGORY = "Animals & Nature"
_PEOPLE_CATEGORY = "People & Body"
#: clothes a person in the brief wears rather than things beside them ("in a yellow raincoat")
GARMENTS = word_set(
    """
    coat raincoat jacket shirt dress hoodie sweater scarf hat cap helmet boot trouser jean uniform
    suit cloak robe apron kimono vest poncho hair beard glasses
    """
)
#: carried on a person's back rather than standing beside them
CARRIED = frozenset({"backpack", "rucksack", "bag", "satchel", "schoolbag"})
#: worn but not recoloured from ("short black hair" says nothing about the coat)
_UNCOLORED_WEAR = frozenset({"hair", "beard", "glasses"})
_LIGHT_HEADS = word_set(
    "light lights lighting background backdrop shadow shadows glow highlight highlights reflection"
)
#: photographic and layout terms whose words would otherwise read as things or places
_PHOTO_TERMS = re.compile(
    r"key (?:points|facts|features|figures|dates)|net (?:weight|wt)|\b[a-z0-9]+-day\b|"
    r"depth of field|rule of thirds|aspect ratio|high[- ]resolution|\b\d+k\b|golden ratio|"
    r"bird'?s[- ]eye view|"
    r"\b(?:bar|column|line|pie|donut|doughnut|area|scatter|bubble|stacked)\s+(?:charts?|graphs?|plots?)\b"
)
#: a pack named by its contents ("coffee bag", "tea tin", "a bag of beans", "granola box label"): the
#: container is the design itself, its contents are what a picture of it shows (a "bag" alone is the
#: set's money bag)
_PACK_CONTAINER = r"(?:bag|pouch|sachet|packet|box|tin|carton|sack)s?"
_PACK_CONTENTS = "|".join(
    f"(?<={w} )" for w in ("coffee", "tea", "rice", "sugar", "flour", "snack", "candy", "cereal", "granola")
)
_PACKS = re.compile(
    rf"\b{_PACK_CONTAINER}(?=\s+(?:label|front|design|packaging|mock-?up)\b)|\b{_PACK_CONTAINER}\s+of\b|"
    rf"(?:{_PACK_CONTENTS}){_PACK_CONTAINER}\b"
)
_COMPOUND_MIN = 0.7
_COMPOUND_GAP = 0.1


@dataclass(frozen=True)
class Thing:
    phrase: str
    name: str
    score: float
    how: str
    #: colour words that came right before it ("yellow raincoat")
    colors: tuple[str, ...] = ()
    #: a prop the thing carries because of a role it plays ("cat detective" -> magnifier)
    attribute: str | None = None
    #: the brief said it in the plural ("lanterns"): draw several
    plural: bool = False
    #: things a person carries on the back (drawing, colour words): "a courier with a yellow backpack"
    carried: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass
class Reading:
    things: list[Thing] = field(default_factory=list)
    setting: str | None = None
    surface: str | None = None
    time: str | None = None
    weather: str | None = None
    #: a drawing for the skyline of a named city ("Tokyo": the tower, far off)
    landmark: str | None = None
    colors: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


_QUOTED = re.compile(r'"[^"]*"|“[^”]*”|«[^»]*»|「[^」]*」|『[^』]*』')
_CLAUSE = re.compile(r"[.;!?\n]+")
_WORD = re.compile(r"[a-zà-ÿ]+(?:'[a-z]+)?")


def singular(word: str) -> str:
    if len(word) <= 3 or word.endswith(("ss", "us", "is")) or word in STAND_INS:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ves") and word[-4] in "lr":
        return word[:-3] + "f"
    if word.endswith(("ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def is_color(word: str) -> bool:
    return word in ImageColor.colormap or word in ("golden", "grey")


def read_brief(text: str, idx: IllustrationIndex) -> Reading:
    """What ``text`` asks to see, with each thing matched to a drawing of the set.

    Things come from the first sentence or clause that names any (later ones are usually about light,
    background or text: "Neutral background, soft window light"); time, weather, setting and colours
    come from all of them.
    """
    out = Reading()
    # quoted strings are text to set, not things to draw
    plain = _PACKS.sub(" ", _PHOTO_TERMS.sub(" ", _QUOTED.sub(" ", text).lower()))
    if _INTERIORS.search(plain) and "storefront" not in plain:
        out.setting = "room"
    for clause in _CLAUSE.split(plain):
        runs = _runs(_WORD.findall(clause), out)
        if not out.things:
            for run in runs:
                out.things.extend(_match_run(run, idx))
    _apply_roles(out, idx)
    # one drawing once: the first mention wins
    seen: set[str] = set()
    unique = []
    for t in out.things:
        if t.name not in seen:
            seen.add(t.name)
            unique.append(t)
    out.things = unique
    return out


def _runs(words: list[str], out: Reading) -> list[list[tuple[str, tuple[str, ...], bool]]]:
    """Content words in runs (a stop word, design word or verb ends a run; compounds never cross one),
    each with the colour words right before it; time, weather, setting and colours go to ``out``."""
    out.words.extend(words)
    runs: list[list[tuple[str, tuple[str, ...], bool]]] = [[]]
    pending_colors: list[str] = []
    verbs = _present_verbs(words)
    for k, w in enumerate(words):
        if is_color(w) and w not in SETTING_WORDS:
            out.colors.append(w)
            pending_colors.append(w)
            continue
        if w in TIME_WORDS:
            out.time = out.time or TIME_WORDS[w]
        if w in WEATHER_WORDS:
            out.weather = out.weather or WEATHER_WORDS[w]
        if w in PLACES:
            out.landmark = out.landmark or PLACES[w]
            out.setting = out.setting or "city"
            if runs[-1]:
                runs.append([])
            continue
        if w in SETTING_WORDS:
            out.setting = out.setting or SETTING_WORDS[w]
            out.surface = out.surface or SURFACE_WORDS.get(w)
        one = singular(w)
        if k + 1 < len(words) and words[k + 1] in _LIGHT_HEADS:
            # "window light", "rim light", "neutral background": how it is lit or backed, not a thing
            if runs[-1]:
                runs.append([])
            continue
        if (
            w in _STOP
            or one in _STOP
            or one in _DESIGN
            or w in _DESIGN
            or w in _VERBS
            or k in verbs
            or w in _ADJECTIVES
            or w in _LIGHT_HEADS
            or w in TIME_WORDS
            or one in TIME_WORDS
            or w in WEATHER_WORDS
            or w in SETTING_WORDS
            or len(w) < 3
        ):
            if runs[-1]:
                runs.append([])
            if w not in _ADJECTIVES:
                pending_colors = []
            continue
        runs[-1].append((one, tuple(pending_colors), one != w))
        pending_colors = []
    return [r for r in runs if r]


#: pronouns that are a clause's subject ("it spills") or a verb's object ("spills it")
_PRONOUNS = word_set("he she it who which they him them me us you")
#: words that join clauses: the noun phrase after one is a new clause's subject
_JOINS = word_set("and but while as then when whilst so")
#: what may stand between two verbs of one actor ("wakes up, laughs", "spins and jumps")
_BETWEEN_VERBS = word_set("up down out off away around back over and then")
#: object pronouns: the word before one is a verb ("spills it"), never a plural noun
_OBJECTS = word_set("it them him me us")


def _present_verbs(words: list[str]) -> set[int]:
    """Positions of the words that end in -s because they are verbs, not plural nouns, told apart by
    where they stand: "a cat spills coffee", "the baby laughs", "it spills", "spills the milk".

    An -s word right after the singular head noun of a phrase is that phrase's verb when the phrase is of
    one thing ("a"/"this"/"each" ...: "a cat toys" is not English), when an object or adverb follows
    ("spills the tea", "spills it", "laughs loudly"), or when it ends a clause whose subject the phrase is
    ("the baby laughs"; but "a street with paper lanterns" ends with a plural). After a subject pronoun it
    is a verb ("it spills"); so is a clause's first word when an object follows ("spills the milk"), a
    word before an object pronoun ("spills it"), and a second verb of the same actor ("wakes up, laughs").
    """
    found: set[int] = set()
    det: str | None = None  # the word that opened the current noun phrase
    subject = True  # the current phrase can be its clause's subject (no preposition or verb before it)
    noun_before = False  # the previous word is a content word of the current phrase (its head so far)
    last_verb = -2  # where the last verb was; only particles and "and" since then keep the actor's turn
    for k, w in enumerate(words):
        nxt = words[k + 1] if k + 1 < len(words) else None
        one = singular(w)
        plural_form = one != w and w.endswith("s")
        prev = words[k - 1] if k else None
        if plural_form:
            opens = nxt is not None and (nxt in _OPENERS or nxt in _PRONOUNS or nxt.endswith("ly"))
            after_head = noun_before and prev is not None and singular(prev) == prev
            turn = (
                last_verb >= 0
                and k - last_verb > 1
                and all(v in _BETWEEN_VERBS for v in words[last_verb + 1 : k])
            )
            verb = (
                (after_head and (det in _SINGULAR_DETS or opens or (nxt is None and subject and det)))
                or (prev in _PRONOUNS and prev not in ("they", "them", "us", "you", "me", "him"))
                or (k == 0 and opens)
                or nxt in _OBJECTS
                or turn
            )
            if verb:
                found.add(k)
                det, subject, noun_before, last_verb = None, False, False, k
                continue
        if w in _STOP or w in _PRONOUNS:
            if w in _JOINS:
                det, subject = None, True
            elif w in _OPENERS:
                det = w
            else:
                det, subject = w, False
            noun_before = False
        elif w in _ADJECTIVES or is_color(w) or len(w) < 3:
            noun_before = False
        else:
            noun_before = True
    return found


def _match_run(run: list[tuple[str, tuple[str, ...], bool]], idx: IllustrationIndex) -> list[Thing]:
    things: list[Thing] = []
    i = 0
    while i < len(run):
        word, colors, plural = run[i]
        product = _product(run, i, idx)
        if product is not None:
            things.append(product[0])
            i += product[1]
            continue
        if i + 1 < len(run):
            nxt, nxt_colors, nxt_plural = run[i + 1]
            compound = _compound(word, nxt, idx)
            if compound is not None:
                things.append(
                    Thing(
                        f"{word} {nxt}",
                        compound.name,
                        compound.score,
                        compound.how,
                        colors + nxt_colors,
                        plural=nxt_plural,
                    )
                )
                i += 2
                continue
        if word in STAND_INS and word not in idx.lib.bodies and STAND_INS[word] in idx.lib.bodies:
            things.append(Thing(word, STAND_INS[word], 1.0, "stand-in", colors, plural=plural))
        elif word in ROLES and word not in idx.lib.bodies:
            things.append(Thing(word, "", 0.0, "role", colors, attribute=ROLES[word], plural=plural))
        else:
            m = idx.match(word)
            if m is not None:
                things.append(Thing(word, m.name, m.score, m.how, colors, plural=plural))
        i += 1
    return things


def _product(
    run: list[tuple[str, tuple[str, ...], bool]], i: int, idx: IllustrationIndex
) -> tuple[Thing, int] | None:
    """A product noun at ``i`` ("bottle", "earbuds"), or a modifier and a product noun ("water bottle",
    "coffee mug"), as the product's clean silhouette, with how many words it used; None when the set draws
    the exact compound ("baby bottle") or the word names no product."""
    word, colors, plural = run[i]
    if i + 1 < len(run):
        nxt, nxt_colors, nxt_plural = run[i + 1]
        name = PRODUCT_WORDS.get(f"{word} {nxt}") or PRODUCT_WORDS.get(nxt)
        if name is not None and name in idx.lib.bodies and f"{word}-{nxt}" not in idx.lib.bodies:
            return Thing(f"{word} {nxt}", name, 1.0, "product", colors + nxt_colors, plural=nxt_plural), 2
    name = PRODUCT_WORDS.get(word)
    if name is not None and name in idx.lib.bodies:
        return Thing(word, name, 1.0, "product", colors, plural=plural), 1
    return None


def _compound(a: str, b: str, idx: IllustrationIndex) -> Match | None:
    """``a b`` as one thing when the set names it ("ice cream", "police car") or when the phrase's nearest
    drawing is clearly nearer than one of the words' own drawings ("compass rose" is a compass, "paper
    lantern" a lantern; "cat detective" stays two)."""
    joined = f"{a}-{b}"
    if joined in idx.lib.bodies:
        return Match(f"{a} {b}", joined, 1.0, "exact")
    phrase = f"{a} {b}"
    name, score = idx.nearest(phrase, 1)[0]
    if score < _COMPOUND_MIN:
        return None
    own = []
    for w in (a, b):
        m = idx.match(w)
        own.append(0.0 if m is None else idx.similarity(m.name, phrase))
    if score - min(own) >= _COMPOUND_GAP:
        return Match(phrase, name, score, "embedding")
    return None


def _apply_roles(reading: Reading, idx: IllustrationIndex) -> None:
    """A role right after an animal is worn by it; a role with no drawing becomes a person; a garment
    after a person is worn by that person (its colours recolour the person's clothes)."""
    things = reading.things
    out: list[Thing] = []
    for t in things:
        role_attr = ROLES.get(t.phrase)
        prev = out[-1] if out else None
        wearer = next((o for o in reversed(out) if idx.lib.categories.get(o.name) == _PEOPLE_CATEGORY), None)
        if t.phrase.split()[-1] in CARRIED and wearer is not None and t.name:
            k = out.index(wearer)
            out[k] = replace(wearer, carried=(*wearer.carried, (t.name, t.colors)))
            continue
        if t.phrase.split()[-1] in GARMENTS and wearer is not None:
            k = out.index(wearer)
            worn = () if t.phrase.split()[-1] in _UNCOLORED_WEAR else t.colors
            out[k] = replace(wearer, colors=wearer.colors + worn)
            continue
        if (
            role_attr is not None
            and prev is not None
            and idx.lib.categories.get(prev.name) == _ANIMAL_CATEGORY
            and prev.attribute is None
        ):
            out[-1] = replace(prev, colors=prev.colors + t.colors, attribute=role_attr)
            continue
        if t.how == "role":
            out.append(replace(t, name="person-standing", score=1.0))
            continue
        # people are drawn whole: a bust ("person", "woman") becomes its standing figure
        standing = f"{t.name}-standing"
        if idx.lib.categories.get(t.name) == _PEOPLE_CATEGORY and standing in idx.lib.bodies:
            t = replace(t, name=standing)
        out.append(t)
    reading.things = out
