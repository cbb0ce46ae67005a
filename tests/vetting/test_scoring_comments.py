"""Comment authenticity (pure)."""

from __future__ import annotations

import datetime as dt

from tests.words import en
from vetting.scoring.comments import CommentItem, comment_report, detect_language, find_pod, is_emoji_only, is_generic
from vetting.scoring.risk import comment_signals

T0 = dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC)
REAL_TEXTS = [
    "Where did you buy that jacket? I have been looking for one like it",
    "The light in the third photo is unreal, which lens was it",
    "我上周也去了这家店，甜品确实好吃",
    "Does this serum work for oily skin too?",
    "haha the cat in the background",
    "这个颜色适合黄皮吗？",
    "Saving this for my trip to Kyoto next month",
    "Your editing has changed so much since last year, love the softer tones",
]


def real_comments(posts: int = 6, per_post: int = 6) -> list[CommentItem]:
    out = []
    for p in range(posts):
        for k in range(per_post):
            # Real people write their own sentences: same topics, different words.
            text = REAL_TEXTS[(p * 3 + k) % len(REAL_TEXTS)]
            words = text.split()
            text = " ".join(words[: 2 + (p + k) % max(len(words) - 1, 1)]) + f" {['!', '?', ' :)', '…'][k % 4]}" * (
                p % 2
            )
            out.append(
                CommentItem(
                    p,
                    f"fan_{p}_{k}",
                    f"{text} #{p}{k}" if len(words) > 3 else text,
                    T0 + dt.timedelta(days=p, minutes=30 + 17 * k),
                )
            )
    return out


def test_generic_and_emoji_only_detection():
    assert is_generic("Nice pic!!") and is_generic("love it 😍") and is_generic("好看") and is_generic("Niceee")
    assert not is_generic("Where did you buy that jacket?")
    assert is_emoji_only("🔥🔥🔥") and is_emoji_only("❤️ 😍")
    assert not is_emoji_only("wow 🔥") and not is_emoji_only("")


def test_language_detection_by_script_and_stopwords():
    assert detect_language("这个颜色适合黄皮吗") == "zh"
    assert detect_language("すごくかわいい") == "ja"
    assert detect_language("정말 예뻐요") == "ko"
    assert detect_language("where is this and what is that") == "en"
    assert detect_language("das ist sehr schön und ich") == "de"
    assert detect_language("🔥🔥") is None


def test_pod_is_found_with_its_members_and_posts():
    ring = ["ana.boost", "leo_growth", "mia.pod", "sam.engage"]
    comments = real_comments()
    for p in range(6):
        for k, member in enumerate(ring):
            comments.append(CommentItem(p, member, "Great post!", T0 + dt.timedelta(days=p, minutes=1 + k)))
    pod = find_pod(comments)
    assert pod is not None
    assert pod.commenters == ring
    assert pod.post_ids == list(range(6))
    signal = comment_signals(comment_report(comments))[0]
    assert signal.risk >= 0.8 and "pod" in en(signal.explanation) and "ana.boost" in en(signal.explanation)


def test_same_commenters_in_shuffled_order_are_not_a_pod():
    comments = real_comments()
    ring = ["a1", "b2", "c3", "d4"]
    for p in range(6):
        order = ring[p % 4 :] + ring[: p % 4]
        for k, member in enumerate(order):
            comments.append(CommentItem(p, member, "so cool to see this place", T0 + dt.timedelta(days=p, minutes=k)))
    assert find_pod(comments) is None


def test_genuine_comments_score_low():
    report = comment_report(real_comments(), audience_languages={"en": 0.6, "zh": 0.4})
    assert report.pod is None and report.duplicate_share == 0
    assert report.language_mismatch_share == 0
    assert comment_signals(report)[0].risk == 0.0


def test_copy_pasted_comments_are_cited():
    comments = real_comments()
    spam = "Check out my page for amazing deals on followers and likes today"
    for p in range(4):
        comments.append(CommentItem(p, "promo_bot_77", spam, T0 + dt.timedelta(days=p, hours=2)))
    report = comment_report(comments)
    assert report.duplicates and report.duplicates[0]["text"] == spam
    assert report.duplicates[0]["commenters"] == ["promo_bot_77"]
    assert report.duplicates[0]["post_ids"] == [0, 1, 2, 3]


def test_generic_flood_raises_risk():
    comments = [
        CommentItem(p, f"u{p}_{k}", ["Nice pic", "🔥🔥", "love it", "好看", "Amazing"][k % 5], T0)
        for p in range(5)
        for k in range(8)
    ]
    report = comment_report(comments)
    assert report.low_effort_share == 1.0
    assert comment_signals(report)[0].risk == 1.0


def test_language_mismatch_ignores_creator_languages_and_halves_english():
    comments = [
        CommentItem(p, f"u{p}{k}", "muito lindo, obrigado você é linda", T0) for p in range(4) for k in range(5)
    ]
    report = comment_report(comments, audience_languages={"zh": 0.9, "en": 0.1})
    assert report.language_mismatch_share == 1.0
    assert (
        comment_report(comments, audience_languages={"zh": 0.9}, creator_languages=["pt"]).language_mismatch_share == 0
    )
    english = [CommentItem(p, f"e{p}{k}", "where is this and what is that", T0) for p in range(4) for k in range(5)]
    assert comment_report(english, audience_languages={"zh": 1.0}).language_mismatch_share == 0.5


def test_too_few_comments_is_unavailable():
    report = comment_report(real_comments(1, 3))
    assert not report.available
    assert comment_signals(report)[0].risk is None
