"""Discovery's worked_with / not_worked_with read the creators' sponsored-post terms
(CreatorPartnerTerm, kept by migration 0012's PostgreSQL triggers) and find the same creators as
reading every sponsored post with the same word rules, whatever writes the posts."""

from __future__ import annotations

import pytest
from django.db.models import Exists, OuterRef, Q

from influencers.filters import brand_names
from influencers.models import Account, Creator, CreatorPartnerTerm, Post
from influencers.selectors.partners import partner_keys, partner_post_q, worked_with
from tests.factories import AccountFactory, CreatorFactory, PostFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

NAMES = [
    "GlowLab",
    "glow lab",
    "Rival Cosmetics",
    "@lumiskin",
    "Lumiskin 璐美肤",
    "璐美肤",
    "nike",
    "NIKE, adidas",
    "La Roche-Posay",
    "roche posay",
    "GlowLab, 璐美肤, La Roche-Posay",
]


def scanned(names: list[str]) -> set[int]:
    """The creators the filter found before the terms index: every sponsored post read."""
    query = Q()
    for name in names:
        query |= partner_post_q(name)
    posts = Post.objects.filter(query, account__creator_id=OuterRef("pk"))
    return set(Creator.objects.filter(Exists(posts)).values_list("pk", flat=True))


def filtered(param: str, value: str) -> set[int]:
    """What the discovery filter `param=value` keeps of all creators (CreatorFilterSet applies the
    same condition to the creators with metrics)."""
    condition = worked_with(brand_names(value))
    creators = Creator.objects.filter(condition) if param == "worked_with" else Creator.objects.exclude(condition)
    return set(creators.values_list("pk", flat=True))


def assert_same_as_scan() -> None:
    everyone = set(Creator.objects.values_list("pk", flat=True))
    for value in NAMES:
        names = [n.strip() for n in value.split(",")]
        assert filtered("worked_with", value) == scanned(names), value
        assert filtered("not_worked_with", value) == everyone - scanned(names), value


def sponsored(creator: Creator, **fields) -> Post:
    return PostFactory(account=AccountFactory(creator=creator), is_sponsored=True, **fields)


def test_sponsor_mentions_caption_and_case_find_the_same_creators_as_the_scan():
    by_sponsor, by_mention, by_caption, by_hashtag, chinese, unpaid, lookalike = (CreatorFactory() for _ in range(7))
    sponsored(by_sponsor, sponsor="GLOWLAB", caption="new serum")
    sponsored(by_mention, mentions=["LumiSkin"], caption="thanks!")
    sponsored(by_caption, caption="My routine with Glow Lab, paid partnership")
    sponsored(by_hashtag, caption="#ad #RivalCosmetics haul")
    sponsored(chinese, caption="和璐美肤合作 #广告")
    PostFactory(account=AccountFactory(creator=unpaid), caption="I love GlowLab and Nike")  # not sponsored
    sponsored(lookalike, caption="glowlabs nikes adidasx rival  cosmetics la roche posay")  # no whole word
    split, pair = CreatorFactory(), CreatorFactory()
    sponsored(split, sponsor="Rival", caption="Cosmetics haul, la roche-posay2")  # a pair across fields
    sponsored(pair, caption="Rival Cosmetics! and La Roche-Posay.")

    assert filtered("worked_with", "GlowLab") == {by_sponsor.pk}
    assert filtered("worked_with", "glow lab") == {by_caption.pk, by_sponsor.pk}  # also written together
    assert filtered("worked_with", "@lumiskin") == {by_mention.pk}
    assert filtered("worked_with", "Rival Cosmetics") == {by_hashtag.pk, pair.pk}
    assert filtered("worked_with", "La Roche-Posay") == {pair.pk}
    assert filtered("worked_with", "Lumiskin 璐美肤") == {by_mention.pk, chinese.pk}
    assert filtered("worked_with", "nike") == set()
    assert unpaid.pk in filtered("not_worked_with", "GlowLab")
    assert by_sponsor.pk not in filtered("not_worked_with", "GlowLab")
    assert_same_as_scan()


def test_the_terms_follow_every_kind_of_post_write():
    a, b = CreatorFactory(), CreatorFactory()
    post = sponsored(a, caption="Nike run club")
    assert filtered("worked_with", "nike") == {a.pk}
    term = CreatorPartnerTerm.objects.get(creator=a, term="nike")
    assert (term.posts, term.first_seen, term.last_seen) == (1, post.posted_at, post.posted_at)

    post.caption = "adidas only now"  # save()
    post.save()
    assert filtered("worked_with", "nike") == set() and filtered("worked_with", "adidas") == {a.pk}
    Post.objects.filter(pk=post.pk).update(is_sponsored=False)  # re-read: no longer paid
    assert filtered("worked_with", "adidas") == set()
    post.is_sponsored, post.sponsor = True, "Nike"  # re-import: bulk_update as the refresh does
    Post.objects.bulk_update([post], ["is_sponsored", "sponsor"])
    assert filtered("worked_with", "nike") == {a.pk}
    Post.objects.bulk_create(
        [
            Post(
                account=post.account,
                platform_post_id="x",
                posted_at=post.posted_at,
                is_sponsored=True,
                caption="NIKE x me",
                mentions=["NIKE"],
            )
        ]
    )
    assert CreatorPartnerTerm.objects.get(creator=a, term="nike").posts == 2
    assert CreatorPartnerTerm.objects.get(creator=a, term="@nike").posts == 1
    assert_same_as_scan()

    Account.objects.filter(pk=post.account_id).update(creator=b)  # an account moves to another creator
    assert filtered("worked_with", "nike") == {b.pk}
    assert not CreatorPartnerTerm.objects.filter(creator=a).exists()
    Post.objects.filter(account__creator=b, sponsor="Nike").delete()  # a deleted post
    assert CreatorPartnerTerm.objects.get(creator=b, term="nike").posts == 1
    Account.objects.filter(creator=b).delete()
    assert not CreatorPartnerTerm.objects.exists()
    assert filtered("not_worked_with", "nike") == {a.pk, b.pk}


def test_names_without_a_term_keep_reading_the_posts():
    creator = CreatorFactory()
    other = CreatorFactory()
    sponsored(creator, caption="라네즈 협찬 Crème Étoile")
    sponsored(other, caption="étoiles")
    assert partner_keys("라네즈") is None  # Korean: no word characters of the rule
    assert partner_keys("Étoile") is None  # é is no word character there
    assert partner_keys("Lumiskin 璐美肤") is None  # Chinese is found anywhere, not as words
    assert partner_keys("La Roche-Posay") is None
    assert partner_keys("@GlowLab") == {"glowlab", "@glowlab"}
    assert partner_keys("Rival  Cosmetics") == {
        "rival cosmetics",
        "@rival cosmetics",
        "rivalcosmetics",
        "@rivalcosmetics",
    }
    assert filtered("worked_with", "라네즈") == {creator.pk} == filtered("worked_with", "Étoile")
