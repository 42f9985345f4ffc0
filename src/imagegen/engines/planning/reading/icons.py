"""Nouns -> icon names (Material Symbols names, the set the renderer draws from the Material Icons font).

The planner only emits names; the renderer maps names to glyphs. ``icon_for`` never invents text: an
icon is the picture of a word the prompt used.
"""

from __future__ import annotations

import re

#: (noun pattern, icon name) -- first match wins, so specific nouns come first
NOUN_ICONS: tuple[tuple[str, str], ...] = (
    (r"\bhome\b|\bhouse\b", "home"),
    (r"\bstats?\b|\bstatistics\b|\bchart\b|\banalytics\b|\bgrowth\b", "bar_chart"),
    (r"\bprofile\b|\baccount\b|\buser\b|\bperson\b|\bme\b", "person"),
    (r"\bsettings?\b|\bpreferences\b", "settings"),
    (r"\bbudget\b|\bwallet\b|\bbalance\b|\bsaved?\b|\bsavings\b", "account_balance_wallet"),
    (r"\bcards?\b|\bpayments?\b|\bbilling\b", "credit_card"),
    (r"\bspent\b|\bspending\b|\bexpenses?\b", "receipt_long"),
    (r"\blibrary\b|\bbooks?\b|\breading\b", "menu_book"),
    (r"\bfeed\b|\bnews\b", "feed"),
    (r"\bfriends\b|\bcontacts\b", "group"),
    (r"\bfavorites\b|\bsaved items\b|\bbookmarks?\b", "bookmark"),
    (r"\bplay\b|\bvideos?\b|\bwatch\b", "play_circle"),
    (r"\btrips?\b|\btravel\b|\bflights?\b", "flight"),
    (r"\borders?\b|\bdelivery\b", "local_shipping"),
    (r"\bsearch\b|\bexplore\b|\bdiscover\b", "search"),
    (r"\bmessages?\b|\bchat\b|\binbox\b", "chat"),
    (r"\bnotifications?\b|\balerts?\b", "notifications"),
    (r"\bcart\b|\bshop\b|\bstore\b|\bbag\b", "shopping_cart"),
    (r"\bheart\b|\bfavou?rites?\b|\blikes?\b|\blove\b", "favorite"),
    (r"\bcalories?\b|\bfire\b|\bburn\b", "local_fire_department"),
    (r"\bsteps?\b|\bwalk", "directions_walk"),
    (r"\brun\b|\bworkouts?\b|\bactivity\b|\bfitness\b", "fitness_center"),
    (r"\bai\b|\bartificial intelligence\b|\bmachine learning\b|\brobot", "smart_toy"),
    (r"\benterprises?\b|\bcompan(?:y|ies)\b|\bbusiness(?:es)?\b|\bcorporat", "business"),
    (r"\bcoffee\b|\bcafe\b|\bcafé\b|\btea\b", "coffee"),
    (r"\bmenu\b|\brestaurant\b|\bdinner\b|\blunch\b|\bdishe?s?\b|\bfood\b", "restaurant_menu"),
    (r"\bbakery\b|\bbread\b|\bpastr(?:y|ies)\b|\bcroissants?\b", "bakery_dining"),
    (r"\bcakes?\b|\bbirthday\b", "cake"),
    (r"\bparty\b|\bcelebrat|\bfestival\b|\bgala\b", "celebration"),
    (r"\bwine\b|\bbar\b|\bcocktails?\b", "local_bar"),
    (r"\btickets?\b|\badmission\b", "confirmation_number"),
    (r"\bsale\b|\bdiscount\b|\boffer\b", "sell"),
    (r"\bpodcast\b", "podcasts"),
    (r"\bconcert\b|\bjazz\b|\brock\b|\bband\b|\bmusic\b|\bsound\b|\baudio\b", "music_note"),
    (r"\bspeakers?\b", "speaker"),
    (r"\bearbuds?\b|\bheadphones?\b", "headphones"),
    (r"\boil\b|\bolive\b|\borganic\b|\bnatural\b", "eco"),
    (r"\bwater\b|\bbottle\b|\bdrinks?\b", "water_drop"),
    (r"\bsun\b|\bsummer\b|\bsunny\b", "wb_sunny"),
    (r"\bsneakers?\b|\bshoes?\b|\bsports?\b", "directions_run"),
    (r"\bbooks?\b|\bschool\b|\bstudy\b|\blearn", "school"),
    (r"\bscience\b|\bresearch\b|\blab\b", "science"),
    (r"\bpets?\b|\bdogs?\b|\bcats?\b", "pets"),
    (r"\bjapan\b|\btokyo\b|\bjourney\b", "travel_explore"),
    (r"\bquarterly\b|\bprofit\b|\bgrowth\b|\btrend", "trending_up"),
    (r"\brenewable\b|\bsolar\b", "solar_power"),
    (r"\bqr\b", "qr_code"),
    (r"\bcalendar\b|\bdate\b|\bschedule\b|\bevents?\b", "event"),
    (r"\btime\b|\bclock\b|\bhours?\b", "schedule"),
    (r"\bmoney\b|\brevenue\b|\bsales\b|\bprice\b|\bcost\b|\bpay", "payments"),
    (r"\bpeople\b|\busers\b|\bteam\b|\bcommunity\b|\bmembers\b", "group"),
    (r"\bglobal\b|\bworld\b|\binternational\b", "public"),
    (r"\bsecurity\b|\bsecure\b|\bprivacy\b|\bshield\b", "shield"),
    (r"\bcloud\b", "cloud"),
    (r"\benergy\b|\bpower\b|\belectric", "bolt"),
    (r"\beco\b|\bgreen\b|\bsustainab|\bplant", "eco"),
    (r"\bmusic\b|\bsound\b|\baudio\b", "music_note"),
    (r"\bphotos?\b|\bcamera\b|\bimages?\b", "photo_camera"),
    (r"\bmail\b|\bemail\b", "mail"),
    (r"\blocation\b|\bmap\b|\bplace\b", "place"),
)


def icon_for(text: str, default: str = "insights") -> str:
    """The icon for the first noun of ``text`` that has one, else ``default``."""
    low = text.lower()
    return next((name for pat, name in NOUN_ICONS if re.search(pat, low)), default)


def icons_for(text: str, limit: int = 3) -> list[str]:
    """Up to ``limit`` distinct icons for the nouns of ``text``, in the order the nouns are written."""
    low = text.lower()
    found: list[tuple[int, str]] = []
    for pat, name in NOUN_ICONS:
        m = re.search(pat, low)
        if m and name not in {n for _, n in found}:
            found.append((m.start(), name))
    return [name for _, name in sorted(found)][:limit]


#: every name the planner may emit (tests check the renderer supports them when it is importable)
ALL_ICONS = frozenset(
    {name for _, name in NOUN_ICONS}
    | {
        "insights",
        "circle",
        "directions_run",
        "bedtime",
        "water_drop",
        "monitor_weight",
        "thermostat",
        "speed",
        "battery_full",
        "local_cafe",
        "pie_chart",
        "verified",
        "straighten",
        "event",
        "place",
        "storefront",
        "auto_awesome",
        "star",
    }
)
