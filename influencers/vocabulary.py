"""The catalogue's vocabulary of niches: creator categories and audience interests, with their
labels (English here, Chinese in the catalogue: frontend/locale/zh_Hans) and the other words people
search them by.

Categories (`Creator.categories`) and interests (the keys of `AudienceProfile.interests`) are stored
as these codes ("beauty"); pages, exports and the API show the label in the reader's language
(`core.messages.label("category", code)`), and discovery's keyword search finds a code by its label
or a synonym in either language (`codes_matching("美妆")` → ["beauty"]), so 美妆 finds beauty
creators. A code outside the vocabulary is shown and searched as it is.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_noop

from core.messages import define_labels

NICHES: dict[str, str] = {
    "beauty": gettext_noop("Beauty"),
    "skincare": gettext_noop("Skincare"),
    "fashion": gettext_noop("Fashion"),
    "travel": gettext_noop("Travel"),
    "food": gettext_noop("Food"),
    "fitness": gettext_noop("Fitness"),
    "wellness": gettext_noop("Wellness"),
    "tech": gettext_noop("Tech"),
    "gaming": gettext_noop("Gaming"),
    "parenting": gettext_noop("Parenting"),
    "home": gettext_noop("Home & living"),
    "outdoor": gettext_noop("Outdoor"),
    "lifestyle": gettext_noop("Lifestyle"),
    "music": gettext_noop("Music"),
    "pets": gettext_noop("Pets"),
    "photography": gettext_noop("Photography"),
    "art": gettext_noop("Art"),
    "movies": gettext_noop("Movies"),
    "sports": gettext_noop("Sports"),
    "education": gettext_noop("Education"),
    "finance": gettext_noop("Finance"),
    "automotive": gettext_noop("Automotive"),
    "luxury": gettext_noop("Luxury"),
    "sustainability": gettext_noop("Sustainability"),
}

# Other words for the same niche (both languages), beyond its English and Chinese labels.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "beauty": ("makeup", "cosmetics", "化妆", "彩妆", "美容"),
    "skincare": ("skin care", "护肤品"),
    "fashion": ("style", "outfit", "ootd", "时尚", "服饰"),
    "travel": ("trip", "旅游", "出行"),
    "food": ("foodie", "cooking", "recipes", "吃播", "探店", "烹饪"),
    "fitness": ("workout", "gym", "运动健身", "减脂"),
    "wellness": ("health", "养生", "健康"),
    "tech": ("technology", "gadgets", "科技", "电子产品"),
    "gaming": ("games", "esports", "电竞"),
    "parenting": ("mom", "baby", "family", "母婴", "亲子"),
    "home": ("interior", "decor", "家装", "家居生活"),
    "outdoor": ("hiking", "camping", "露营", "徒步"),
    "lifestyle": ("vlog", "日常"),
    "pets": ("cats", "dogs", "萌宠", "猫咪", "狗狗"),
    "movies": ("film", "cinema", "影视"),
    "sports": ("sport", "体育"),
    "automotive": ("cars", "auto", "汽车", "车评"),
    "sustainability": ("eco", "sustainable", "环保", "可持续"),
}

define_labels("category", NICHES)
define_labels("interest", NICHES)


def _zh_label(code: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(NICHES[code])


def search_words(code: str) -> list[str]:
    """Every word a niche is found by: its code, English and Chinese labels and synonyms."""
    return [code, NICHES[code], _zh_label(code), *SYNONYMS.get(code, ())]


def codes_matching(text: str) -> list[str]:
    """The niches a search text names (case-insensitive; a word equal to the text or containing it,
    or, for Chinese, contained in it: 美妆博主 names 美妆)."""
    query = (text or "").strip().casefold()
    if not query:
        return []
    found = []
    for code in NICHES:
        for word in search_words(code):
            word = word.casefold()
            cjk = any("\u4e00" <= ch <= "\u9fff" for ch in word)
            if word == query or (len(query) >= 3 and query in word) or (cjk and word in query):
                found.append(code)
                break
    return found


def code_for(text: str) -> str:
    """The code of a niche given by code or by a label or synonym in either language ("美妆" →
    "beauty"); a text naming no niche of the vocabulary is returned as it is, trimmed."""
    value = (text or "").strip()
    if value.casefold() in NICHES:
        return value.casefold()
    exact = [code for code in NICHES if value.casefold() in (w.casefold() for w in search_words(code))]
    return exact[0] if exact else value
