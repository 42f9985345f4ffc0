"""Icons: Material Design Icons (Debian ``fonts-material-design-icons-iconfont``, Apache-2.0) drawn as glyphs.

The icon names and codepoints come from the package's own CSS (``.material-icons.NAME:before { content:
"\\e88a" }``), so the set is exactly what the installed font draws. A synonym table maps the nouns people
write in prompts ("stats", "calories", "profile") to icon names.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from imagegen.engines.planning.render.fonts import FontNotFoundError

ICON_FONT = Path("/usr/share/fonts/truetype/material-design-icons-iconfont/MaterialIcons-Regular.ttf")
ICON_CSS = Path("/usr/share/fonts-material-design-icons-iconfont/css/material-design-icons.css")

#: prompt nouns -> Material icon names (names already in the set need no entry)
SYNONYMS: dict[str, str] = {
    "house": "home",
    "stats": "bar_chart",
    "chart": "bar_chart",
    "statistics": "bar_chart",
    "analytics": "insights",
    "graph": "show_chart",
    "trend": "trending_up",
    "growth": "trending_up",
    "profile": "person",
    "user": "person",
    "account": "account_circle",
    "avatar": "account_circle",
    "people": "group",
    "team": "groups",
    "heart": "favorite",
    "like": "favorite",
    "love": "favorite",
    "health": "favorite",
    "heartbeat": "monitor_heart",
    "steps": "directions_walk",
    "walk": "directions_walk",
    "walking": "directions_walk",
    "run": "directions_run",
    "running": "directions_run",
    "fire": "local_fire_department",
    "calories": "local_fire_department",
    "flame": "local_fire_department",
    "hot": "local_fire_department",
    "coffee": "local_cafe",
    "cafe": "local_cafe",
    "tea": "emoji_food_beverage",
    "shop": "storefront",
    "store": "storefront",
    "shopping": "shopping_bag",
    "bag": "shopping_bag",
    "cart": "shopping_cart",
    "basket": "shopping_basket",
    "phone": "phone",
    "call": "call",
    "mobile": "smartphone",
    "mail": "mail",
    "email": "email",
    "envelope": "mail",
    "message": "chat",
    "chat": "chat",
    "search": "search",
    "find": "search",
    "settings": "settings",
    "gear": "settings",
    "cog": "settings",
    "star": "star",
    "rating": "star",
    "favorite": "star",
    "check": "check_circle",
    "done": "check",
    "tick": "check",
    "ok": "check_circle",
    "camera": "photo_camera",
    "photo": "photo_camera",
    "image": "image",
    "picture": "image",
    "music": "music_note",
    "song": "music_note",
    "audio": "headphones",
    "headphones": "headphones",
    "earbuds": "headphones",
    "location": "location_on",
    "pin": "location_on",
    "map": "map",
    "place": "place",
    "calendar": "calendar_today",
    "date": "event",
    "event": "event",
    "clock": "schedule",
    "time": "schedule",
    "alarm": "alarm",
    "timer": "timer",
    "lock": "lock",
    "secure": "lock",
    "security": "security",
    "unlock": "lock_open",
    "bolt": "bolt",
    "energy": "bolt",
    "power": "power_settings_new",
    "lightning": "flash_on",
    "electric": "bolt",
    "leaf": "eco",
    "eco": "eco",
    "plant": "local_florist",
    "flower": "local_florist",
    "nature": "park",
    "tree": "park",
    "water": "water_drop",
    "drop": "water_drop",
    "hydration": "water_drop",
    "sleep": "bedtime",
    "moon": "dark_mode",
    "night": "dark_mode",
    "sun": "wb_sunny",
    "weather": "wb_sunny",
    "cloud": "cloud",
    "rain": "umbrella",
    "wifi": "wifi",
    "battery": "battery_full",
    "signal": "signal_cellular_alt",
    "bell": "notifications",
    "notification": "notifications",
    "alert": "warning",
    "warning": "warning",
    "info": "info",
    "help": "help",
    "question": "help",
    "menu": "menu",
    "back": "arrow_back",
    "forward": "arrow_forward",
    "next": "arrow_forward",
    "arrow": "arrow_forward",
    "close": "close",
    "add": "add",
    "plus": "add",
    "minus": "remove",
    "delete": "delete",
    "trash": "delete",
    "edit": "edit",
    "pencil": "edit",
    "share": "share",
    "download": "download",
    "upload": "upload",
    "link": "link",
    "gift": "card_giftcard",
    "present": "card_giftcard",
    "ticket": "confirmation_number",
    "money": "payments",
    "payment": "payment",
    "card": "credit_card",
    "wallet": "account_balance_wallet",
    "bank": "account_balance",
    "dollar": "attach_money",
    "price": "sell",
    "tag": "sell",
    "discount": "percent",
    "sale": "local_offer",
    "offer": "local_offer",
    "car": "directions_car",
    "bike": "directions_bike",
    "bus": "directions_bus",
    "train": "train",
    "plane": "flight",
    "flight": "flight",
    "travel": "flight",
    "hotel": "hotel",
    "bed": "hotel",
    "food": "restaurant",
    "restaurant": "restaurant",
    "meal": "restaurant",
    "pizza": "local_pizza",
    "drink": "local_bar",
    "bar": "local_bar",
    "wine": "wine_bar",
    "cake": "cake",
    "birthday": "cake",
    "fitness": "fitness_center",
    "gym": "fitness_center",
    "dumbbell": "fitness_center",
    "workout": "fitness_center",
    "yoga": "self_improvement",
    "meditation": "self_improvement",
    "book": "menu_book",
    "read": "menu_book",
    "school": "school",
    "education": "school",
    "work": "work",
    "briefcase": "work",
    "code": "code",
    "computer": "computer",
    "laptop": "laptop",
    "cloud_upload": "cloud_upload",
    "video": "videocam",
    "movie": "movie",
    "play": "play_arrow",
    "pause": "pause",
    "mic": "mic",
    "microphone": "mic",
    "globe": "public",
    "world": "public",
    "language": "language",
    "rocket": "rocket_launch",
    "launch": "rocket_launch",
    "idea": "lightbulb",
    "bulb": "lightbulb",
    "trophy": "emoji_events",
    "award": "emoji_events",
    "medal": "military_tech",
    "pet": "pets",
    "dog": "pets",
    "cat": "pets",
    "paw": "pets",
    "baby": "child_care",
    "smile": "sentiment_satisfied",
    "happy": "mood",
    "recycle": "recycling",
    "sparkle": "auto_awesome",
    "magic": "auto_awesome",
    "ai": "auto_awesome",
    "temperature": "thermostat",
    "thermometer": "thermostat",
    "speed": "speed",
    "dashboard": "dashboard",
    "grid": "grid_view",
    "list": "list",
    "filter": "filter_list",
    "sort": "sort",
    "qr": "qr_code",
    "barcode": "qr_code_scanner",
    "scan": "qr_code_scanner",
    "key": "vpn_key",
    "shield": "shield",
    "verified": "verified",
    "spa": "spa",
    "pool": "pool",
    "beach": "beach_access",
    "umbrella": "beach_access",
}


@functools.lru_cache(maxsize=1)
def _codepoints() -> dict[str, str]:
    if not ICON_CSS.is_file() or not ICON_FONT.is_file():
        raise FontNotFoundError(
            "Material Design Icons are not installed: install Debian's fonts-material-design-icons-iconfont"
        )
    text = ICON_CSS.read_text(encoding="utf-8")
    pairs = re.findall(r"\.material-icons\.([a-z0-9_]+):before\s*\{\s*content:\s*\"\\([0-9a-fA-F]+)\"", text)
    return {name: chr(int(cp, 16)) for name, cp in pairs}


def available_icons() -> set[str]:
    """Every icon name the installed font can draw."""
    return set(_codepoints())


def resolve_icon(name: str) -> str | None:
    """The icon name for a name or prompt noun ("calories" -> "local_fire_department"), or None."""
    table = _codepoints()
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key in table:
        return key
    if key in SYNONYMS and SYNONYMS[key] in table:
        return SYNONYMS[key]
    # plurals and simple inflections ("hearts", "stars")
    if key.endswith("s") and key[:-1] in table:
        return key[:-1]
    if key.endswith("s") and key[:-1] in SYNONYMS:
        return SYNONYMS[key[:-1]]
    return None


@functools.lru_cache(maxsize=64)
def _icon_font(size: int) -> ImageFont.FreeTypeFont:
    # basic layout: a single PUA glyph needs no shaping, and raqm would try ligatures on the name
    return ImageFont.truetype(str(ICON_FONT), size, layout_engine=ImageFont.Layout.BASIC)


def icon_mask(name: str, w: int, h: int) -> Image.Image:
    """Coverage mask ("L", w x h) of the icon, centered and as large as the box allows.

    Raises KeyError for an unknown icon (the planner picks names from :func:`available_icons`).
    """
    resolved = resolve_icon(name)
    if resolved is None:
        raise KeyError(f"unknown icon {name!r}")
    glyph = _codepoints()[resolved]
    size = max(4, int(min(w, h)))
    font = _icon_font(size)
    mask = Image.new("L", (max(1, int(w)), max(1, int(h))), 0)
    ImageDraw.Draw(mask).text((w / 2, h / 2), glyph, fill=255, font=font, anchor="mm")
    return mask


ICON_FONT_PATH = str(ICON_FONT)
