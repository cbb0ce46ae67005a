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


# --- Audience vocabularies: the keys of AudienceProfile distributions and of brand targets ---------
# Brand briefs pick their targets from these (labels in the reader's language), and the brand
# service refuses a key outside them, so a target always names something audiences are stored by.

COUNTRIES: dict[str, str] = {
    "CN": gettext_noop("China"),
    "TW": gettext_noop("Taiwan"),
    "HK": gettext_noop("Hong Kong"),
    "MO": gettext_noop("Macau"),
    "SG": gettext_noop("Singapore"),
    "MY": gettext_noop("Malaysia"),
    "JP": gettext_noop("Japan"),
    "KR": gettext_noop("South Korea"),
    "TH": gettext_noop("Thailand"),
    "VN": gettext_noop("Vietnam"),
    "ID": gettext_noop("Indonesia"),
    "PH": gettext_noop("Philippines"),
    "IN": gettext_noop("India"),
    "PK": gettext_noop("Pakistan"),
    "BD": gettext_noop("Bangladesh"),
    "AU": gettext_noop("Australia"),
    "NZ": gettext_noop("New Zealand"),
    "US": gettext_noop("United States"),
    "CA": gettext_noop("Canada"),
    "MX": gettext_noop("Mexico"),
    "BR": gettext_noop("Brazil"),
    "AR": gettext_noop("Argentina"),
    "GB": gettext_noop("United Kingdom"),
    "IE": gettext_noop("Ireland"),
    "FR": gettext_noop("France"),
    "DE": gettext_noop("Germany"),
    "IT": gettext_noop("Italy"),
    "ES": gettext_noop("Spain"),
    "PT": gettext_noop("Portugal"),
    "NL": gettext_noop("Netherlands"),
    "BE": gettext_noop("Belgium"),
    "CH": gettext_noop("Switzerland"),
    "AT": gettext_noop("Austria"),
    "SE": gettext_noop("Sweden"),
    "NO": gettext_noop("Norway"),
    "DK": gettext_noop("Denmark"),
    "FI": gettext_noop("Finland"),
    "PL": gettext_noop("Poland"),
    "RU": gettext_noop("Russia"),
    "TR": gettext_noop("Turkey"),
    "AE": gettext_noop("United Arab Emirates"),
    "SA": gettext_noop("Saudi Arabia"),
    "EG": gettext_noop("Egypt"),
    "NG": gettext_noop("Nigeria"),
    "ZA": gettext_noop("South Africa"),
}
LANGUAGES: dict[str, str] = {
    "zh": gettext_noop("Chinese"),
    "en": gettext_noop("English"),
    "ja": gettext_noop("Japanese"),
    "ko": gettext_noop("Korean"),
    "ms": gettext_noop("Malay"),
    "id": gettext_noop("Indonesian"),
    "th": gettext_noop("Thai"),
    "vi": gettext_noop("Vietnamese"),
    "hi": gettext_noop("Hindi"),
    "ar": gettext_noop("Arabic"),
    "fr": gettext_noop("French"),
    "de": gettext_noop("German"),
    "es": gettext_noop("Spanish"),
    "pt": gettext_noop("Portuguese"),
    "it": gettext_noop("Italian"),
    "ru": gettext_noop("Russian"),
    "tr": gettext_noop("Turkish"),
    "nl": gettext_noop("Dutch"),
}
AUDIENCE_GENDERS: dict[str, str] = {
    "female": gettext_noop("Female"),
    "male": gettext_noop("Male"),
    "other": gettext_noop("Other"),
}
AUDIENCE_AGE_BANDS: dict[str, str] = {
    band: band for band in ("13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
}
# Other words people type for the same key (both languages), beyond its code and labels.
AUDIENCE_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "gender": {"female": ("women", "woman", "f", "女", "女性"), "male": ("men", "man", "m", "男", "男性")},
    "countries": {"CN": ("中国大陆", "大陆", "mainland china", "prc"), "US": ("usa", "美国"), "GB": ("uk", "英国")},
    "languages": {"zh": ("mandarin", "中文", "汉语", "普通话")},
}

define_labels("country", COUNTRIES)
define_labels("spoken_language", LANGUAGES)
define_labels("audience_gender", AUDIENCE_GENDERS)

# Per audience dimension: its codes with their (English, translatable) labels and its label kind.
AUDIENCE_VOCABULARY: dict[str, tuple[dict[str, str], str]] = {
    "age": (AUDIENCE_AGE_BANDS, ""),
    "gender": (AUDIENCE_GENDERS, "audience_gender"),
    "countries": (COUNTRIES, "country"),
    "languages": (LANGUAGES, "spoken_language"),
    "interests": (NICHES, "interest"),
}


def audience_choices(dimension: str) -> list[tuple[str, str]]:
    """(code, label in the active language) of an audience dimension, in vocabulary order."""
    codes, _kind = AUDIENCE_VOCABULARY[dimension]
    return [(code, translation.gettext(text) if text != code else code) for code, text in codes.items()]


def audience_key_for(dimension: str, text: str) -> str | None:
    """The code of an audience key given as a code (any case: "cn" → "CN"), or a label or synonym
    in English or Chinese ("中国" → "CN", "女" → "female", "美妆" → "beauty"); None when it names
    nothing of the dimension's vocabulary."""
    value = (text or "").strip().casefold()
    if not value:
        return None
    codes, _kind = AUDIENCE_VOCABULARY[dimension]
    for code, english in codes.items():
        words = {code, english, *AUDIENCE_SYNONYMS.get(dimension, {}).get(code, ())}
        if dimension == "interests":
            words.update(search_words(code))
        else:
            with translation.override("zh-hans"):
                words.add(translation.gettext(english))
        if value in {word.casefold() for word in words}:
            return code
    return None
