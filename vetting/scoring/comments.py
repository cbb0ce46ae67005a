"""Comment authenticity from a sample of comments on an account's posts.

Signals (each with the comments or posts that show it):
- generic or emoji-only comments ("nice pic", "🔥🔥", "好看") — bots and engagement groups leave
  them; real audiences leave some too, so only a high share is unusual;
- duplicated texts: the same non-generic sentence from different commenters or on different posts;
- pods: the same commenters in the same order across several posts (engagement groups
  commenting on each other's posts in turn);
- language mismatch: comments in languages the declared audience barely speaks.
Language is told by script (Han, kana, Hangul, Cyrillic, Arabic, Thai, Devanagari) and, for
Latin script, by a few stop words of English, German, French, Spanish, Italian, Portuguese and
Indonesian; anything else is left unknown rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vetting.scoring.records import asdict

GENERIC_PHRASES = {
    # English
    "nice",
    "nice pic",
    "nice photo",
    "nice post",
    "nice shot",
    "great",
    "great post",
    "great pic",
    "great shot",
    "amazing",
    "awesome",
    "beautiful",
    "so beautiful",
    "gorgeous",
    "stunning",
    "cute",
    "so cute",
    "wow",
    "cool",
    "love it",
    "love this",
    "i love it",
    "i love this",
    "lovely",
    "perfect",
    "super",
    "so good",
    "great content",
    "great job",
    "good job",
    "well done",
    "keep it up",
    "keep going",
    "fire",
    "lit",
    "goals",
    "omg",
    "yes",
    "love",
    "like",
    "first",
    "follow me",
    "follow back",
    "check my profile",
    "dm me",
    "nice feed",
    "great feed",
    "awesome post",
    "amazing post",
    "amazing content",
    "love your content",
    "love your feed",
    "so nice",
    "beautiful picture",
    "beautiful photo",
    "wonderful",
    "fantastic",
    "incredible",
    "this is great",
    "woww",
    "wowww",
    # German / French / Spanish / Italian
    "toll",
    "mega",
    "schön",
    "wunderschön",
    "super schön",
    "sehr schön",
    "traumhaft",
    "magnifique",
    "trop beau",
    "j'adore",
    "jadore",
    "belle",
    "superbe",
    "hermoso",
    "hermosa",
    "precioso",
    "que bonito",
    "bellissimo",
    "bellissima",
    "stupendo",
    "che bello",
    # Chinese
    "好看",
    "好美",
    "太美了",
    "美",
    "赞",
    "点赞",
    "喜欢",
    "好喜欢",
    "爱了",
    "爱了爱了",
    "绝了",
    "好棒",
    "棒",
    "太棒了",
    "漂亮",
    "好漂亮",
    "真好看",
    "哇",
    "哇塞",
    "厉害",
    "牛",
    "优秀",
    "支持",
    "沙发",
    "好可爱",
    "可爱",
    "学到了",
    "冲",
    "互关",
    "互粉",
    "求关注",
    "回关",
    "好会拍",
    "博主好会拍",
    "太好看了",
    "好好看",
    "666",
    "顶",
    "打卡",
    "好看好看",
}
_GENERIC_WORDS = {w for p in GENERIC_PHRASES for w in p.split()} | {
    "so",
    "very",
    "really",
    "this",
    "the",
    "pic",
    "photo",
    "post",
    "shot",
    "you",
    "your",
    "!",
}
_MENTION = re.compile(r"[@＠][\w.]+")
_PUNCT = re.compile(r"[^\w\s'\u4e00-\u9fff]+")
_REPEAT = re.compile(r"(.)\1{2,}")

_STOPWORDS = {
    "en": {"the", "and", "is", "are", "you", "this", "that", "with", "for", "love", "so", "what", "where", "it", "my"},
    "de": {"und", "ist", "das", "die", "der", "nicht", "ich", "du", "mit", "sehr", "schön", "wie", "auch", "ein"},
    "fr": {"le", "la", "les", "et", "est", "tu", "je", "très", "des", "une", "pour", "c'est", "trop", "avec"},
    "es": {"el", "los", "las", "y", "es", "que", "muy", "una", "para", "con", "qué", "por", "pero", "hermosa"},
    "it": {"il", "che", "è", "molto", "sono", "una", "per", "con", "bellissima", "della", "questo", "ciao", "anche"},
    "pt": {"o", "os", "que", "é", "muito", "uma", "para", "com", "você", "linda", "não", "lindo", "obrigado"},
    "id": {"yang", "dan", "ini", "itu", "aku", "kamu", "bagus", "banget", "sangat", "dengan", "untuk", "keren"},
}


COORDINATED_MIN_WORDS = 8  # words (or CJK characters / 2) for a text shared by different commenters to count


def _text_size(norm: str) -> float:
    """Words of a normalised text, counting two CJK characters as one word."""
    cjk = sum(1 for ch in norm if "\u4e00" <= ch <= "\u9fff")
    latin_words = len(re.sub(r"[\u4e00-\u9fff]", " ", norm).split())
    return latin_words + cjk / 2


@dataclass
class CommentItem:
    """One sampled comment."""

    post_id: Any
    commenter: str
    text: str
    posted_at: dt.datetime | None = None


def normalise(text: str) -> str:
    """Lower-case text without mentions, punctuation, emoji and letter repeats ("Niceee!!" → "nice")."""
    text = _MENTION.sub(" ", text.lower())
    text = "".join(c for c in text if not unicodedata.category(c).startswith(("S", "C")))
    text = _PUNCT.sub(" ", text)
    text = _REPEAT.sub(r"\1", text)
    return " ".join(text.split())


def is_emoji_only(text: str) -> bool:
    """True when the comment has symbols (emoji, hearts) but no letters or digits."""
    stripped = _MENTION.sub("", text).strip()
    if not stripped:
        return False
    has_symbol = False
    for c in stripped:
        cat = unicodedata.category(c)
        if cat[0] in ("L", "N"):
            return False
        if cat[0] == "S":
            has_symbol = True
    return has_symbol


def is_generic(text: str) -> bool:
    """True for stock praise that fits any post ("nice pic", "love it 😍", "好看")."""
    norm = normalise(text)
    if not norm:
        return False
    if norm in GENERIC_PHRASES:
        return True
    words = norm.split()
    return len(words) <= 4 and all(w in _GENERIC_WORDS for w in words)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code told by script or Latin stop words, or None when unsure."""
    counts: Counter[str] = Counter()
    for c in text:
        if not c.isalpha():
            continue
        code = ord(c)
        if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
            counts["zh"] += 1
        elif 0x3040 <= code <= 0x30FF:
            counts["ja"] += 2  # kana marks Japanese even amid kanji
        elif 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF:
            counts["ko"] += 1
        elif 0x0400 <= code <= 0x04FF:
            counts["ru"] += 1
        elif 0x0600 <= code <= 0x06FF:
            counts["ar"] += 1
        elif 0x0E00 <= code <= 0x0E7F:
            counts["th"] += 1
        elif 0x0900 <= code <= 0x097F:
            counts["hi"] += 1
        else:
            counts["latin"] += 1
    if not counts:
        return None
    script, _ = counts.most_common(1)[0]
    if script != "latin":
        return script
    words = re.findall(r"[a-zà-ÿ']+", text.lower())
    scores = {lang: sum(w in stops for w in words) for lang, stops in _STOPWORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else None


@dataclass
class PodEvidence:
    """Commenters who appear together, in the same order, on several posts."""

    commenters: list[str]
    post_ids: list[Any]
    posts_with_comments: int
    order_consistency: float


@dataclass
class CommentReport:
    """Comment authenticity figures and the comments/posts that show them."""

    available: bool
    n_comments: int
    n_posts: int
    generic_share: float | None = None
    emoji_only_share: float | None = None
    low_effort_share: float | None = None
    duplicate_share: float | None = None
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    pod: PodEvidence | None = None
    language_mismatch_share: float | None = None
    comment_languages: dict[str, float] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """asdict(self). A report without comments to show (most accounts have none: its
        containers empty, no pod) is its fields as they are (asdict copies only a numpy number
        of them, into an equal one) with new empty containers."""
        duplicates, languages, examples = self.duplicates, self.comment_languages, self.examples
        if not (
            self.pod is None
            and type(duplicates) is list
            and not duplicates
            and type(languages) is dict
            and not languages
            and type(examples) is dict
            and not examples
        ):
            return asdict(self)
        # Written out (the fields in their order, tests/vetting/test_comment_report_as_dict.py):
        # a dict display reads the attributes inline, where getattr by name and an update with
        # keywords cost twice as much.
        return {
            "available": self.available,
            "n_comments": self.n_comments,
            "n_posts": self.n_posts,
            "generic_share": self.generic_share,
            "emoji_only_share": self.emoji_only_share,
            "low_effort_share": self.low_effort_share,
            "duplicate_share": self.duplicate_share,
            "duplicates": [],
            "pod": None,
            "language_mismatch_share": self.language_mismatch_share,
            "comment_languages": {},
            "examples": {},
        }


def find_pod(
    comments: Sequence[CommentItem], *, min_members: int = 3, min_posts: int = 3, min_consistency: float = 0.9
) -> PodEvidence | None:
    """The group of commenters that comments on many posts in the same order, if any.

    Candidates are commenters present on at least `min_posts` posts and on at least half of the
    commented posts. The group is ordered by average position; it is a pod when at least
    `min_members` of them keep that relative order on at least `min_posts` posts (pairwise order
    agreement ≥ `min_consistency`)."""
    by_post: dict[Any, list[CommentItem]] = defaultdict(list)
    for c in comments:
        by_post[c.post_id].append(c)
    n_posts = len(by_post)
    if n_posts < min_posts:
        return None
    sequences: dict[Any, list[str]] = {}
    for post_id, items in by_post.items():
        ordered = sorted(enumerate(items), key=lambda t: (t[1].posted_at or dt.datetime.min, t[0]))
        seen: list[str] = []
        for _, item in ordered:
            if item.commenter not in seen:
                seen.append(item.commenter)
        sequences[post_id] = seen
    presence = Counter(name for seq in sequences.values() for name in seq)
    need = max(min_posts, (n_posts + 1) // 2)
    candidates = [name for name, k in presence.items() if k >= need]
    if len(candidates) < min_members:
        return None
    rank_sum: dict[str, float] = defaultdict(float)
    for seq in sequences.values():
        positions = [name for name in seq if name in candidates]
        for pos, name in enumerate(positions):
            rank_sum[name] += pos / max(len(positions) - 1, 1)
    order = sorted(candidates, key=lambda name: (rank_sum[name] / presence[name], name))
    index = {name: i for i, name in enumerate(order)}
    agree = total = 0
    posts_in_order = []
    for post_id, seq in sequences.items():
        members = [name for name in seq if name in index]
        if len(members) < min_members:
            continue
        ranks = [index[name] for name in members]
        pairs = [(a, b) for i, a in enumerate(ranks) for b in ranks[i + 1 :]]
        ok = sum(a < b for a, b in pairs)
        agree += ok
        total += len(pairs)
        if ok == len(pairs):
            posts_in_order.append(post_id)
    consistency = agree / total if total else 0.0
    if len(posts_in_order) < min_posts or consistency < min_consistency:
        return None
    return PodEvidence(order, sorted(posts_in_order, key=str), n_posts, round(consistency, 3))


def comment_report(
    comments: Sequence[CommentItem],
    *,
    audience_languages: Mapping[str, float] | None = None,
    creator_languages: Sequence[str] = (),
    min_comments: int = 10,
) -> CommentReport:
    """Authenticity figures of a comment sample (needs at least `min_comments` comments).

    `audience_languages` (the declared audience, {code: share}) and `creator_languages` (the
    languages the creator posts in) define which comment languages are foreign."""
    n = len(comments)
    posts = {c.post_id for c in comments}
    report = CommentReport(available=n >= min_comments, n_comments=n, n_posts=len(posts))
    if not report.available:
        return report
    generic = [c for c in comments if is_generic(c.text)]
    emoji = [c for c in comments if is_emoji_only(c.text)]
    report.generic_share = len(generic) / n
    report.emoji_only_share = len(emoji) / n
    report.low_effort_share = len({id(c) for c in generic} | {id(c) for c in emoji}) / n
    report.examples = {
        "generic": [c.text for c in generic[:5]],
        "emoji_only": [c.text for c in emoji[:5]],
    }
    groups: dict[str, list[CommentItem]] = defaultdict(list)
    for c in comments:
        norm = normalise(c.text)
        if not is_generic(c.text) and _text_size(norm) >= 2:
            groups[norm].append(c)
    dup_groups: list[dict[str, Any]] = []
    duplicated = 0
    for norm, items in groups.items():
        by_commenter = Counter(c.commenter for c in items)
        who = set(by_commenter)
        where = {c.post_id for c in items}
        # Copy-paste: one commenter repeating a sentence on several posts (three times, or twice
        # when it is a real sentence). Across commenters only long sentences count: short stock
        # questions ("where did you get this?") recur naturally.
        repeats = max(by_commenter.values())
        copy_paste = len(where) >= 2 and (repeats >= 3 or (repeats >= 2 and _text_size(norm) >= 4))
        coordinated = len(who) >= 2 and _text_size(norm) >= COORDINATED_MIN_WORDS
        if len(items) >= 2 and (copy_paste or coordinated):
            duplicated += len(items)
            dup_groups.append(
                {
                    "text": items[0].text,
                    "count": len(items),
                    "commenters": sorted(who)[:10],
                    "post_ids": sorted(where, key=str)[:10],
                }
            )
    report.duplicate_share = duplicated / n
    report.duplicates = sorted(dup_groups, key=lambda g: -g["count"])[:10]
    report.pod = find_pod(comments)
    languages = Counter(lang for lang in (detect_language(c.text) for c in comments) if lang)
    told = sum(languages.values())
    if told:
        report.comment_languages = {k: round(v / told, 3) for k, v in languages.most_common()}
    if told >= min_comments and audience_languages:
        # Foreign: a language under 5% of the declared audience that the creator does not speak
        # either; English, the lingua franca of comment sections, counts half.
        spoken = {str(x).lower() for x in creator_languages or ()}
        foreign = 0.0
        for lang, count in languages.items():
            if audience_languages.get(lang, 0.0) < 0.05 and lang not in spoken:
                foreign += count * (0.5 if lang == "en" else 1.0)
        report.language_mismatch_share = foreign / told
    return report
