"""Past brand partners: which brands a creator published paid posts for (the creator page and
the API's creator detail), and the discovery filter "worked with brand X / not with these".

The summary is computed in Python by `influencers.sponsorship.brand_partners`; the filter asks
the database the same question with the same word rules (`partner_post_q`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from influencers.models import Creator, CreatorPartnerTerm, Post
from influencers.models.partners import PARTNER_TERM_LENGTH
from influencers.sponsorship import BrandPartner, PartnerPost, brand_partners, compact, name_variants

PARTNER_POSTS_READ = 2000  # the newest sponsored posts a summary reads: years of a busy creator
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# One word or two parted by one space, in partner_post_q's word characters (case-folded): such
# a name matches where the sponsor or caption has that word or pair of words (CreatorPartnerTerm).
_WORDS = re.compile(r"[a-z0-9_]+(?: [a-z0-9_]+)?")


def creator_brand_partners(*, creator: Creator, known_brands: Iterable[str] = ()) -> list[BrandPartner]:
    """The brands `creator` published sponsored posts for, most posts first, each with its
    posts newest first. `known_brands` (an organisation's brands and their competitors) are also
    found by name in sponsored captions. One query."""
    rows = (
        Post.objects.filter(account__creator=creator, is_sponsored=True)
        .order_by("-posted_at", "-id")
        .values_list(
            "id",
            "posted_at",
            "caption",
            "mentions",
            "sponsor",
            "sponsorship_marker",
            "sponsorship_source",
            "url",
            "account__platform",
            "account__handle",
        )[:PARTNER_POSTS_READ]
    )
    posts = [
        PartnerPost(
            id=pk,
            posted_at=posted_at,
            caption=caption or "",
            mentions=tuple(str(m) for m in mentions or ()),
            sponsor=sponsor or "",
            marker=marker or "",
            source=source or "",
            url=url or "",
            platform=platform,
            handle=handle,
        )
        for pk, posted_at, caption, mentions, sponsor, marker, source, url, platform, handle in rows
    ]
    return brand_partners(posts, known_brands)


def partner_post_q(name: str) -> Q:
    """Sponsored posts that name `name` (a brand or an @handle) as sponsor, tag it, or name it in
    the caption: Latin names as whole words (also written together, as #name or @name),
    Chinese names anywhere. A `Q` on Post; the regular expressions run on SQLite (Python's `re`)
    and PostgreSQL (`~*`) alike."""
    query = Q()
    for variant in name_variants(name):
        joined = compact(variant)
        query |= Q(mentions__icontains=f'"{variant}"') | Q(mentions__icontains=f'"{joined}"')
        if _CJK.search(variant):
            query |= Q(sponsor__icontains=variant) | Q(caption__icontains=variant)
            continue
        for form in dict.fromkeys((variant, joined)):
            pattern = r"(^|[^a-z0-9_])[#@]?" + re.escape(form) + r"([^a-z0-9_]|$)"
            query |= Q(sponsor__iregex=pattern) | Q(caption__iregex=pattern)
    if not query:
        return Q(pk__in=[])
    return Q(is_sponsored=True) & query


def partner_keys(name: str) -> set[str] | None:
    """The CreatorPartnerTerm terms that decide whether `partner_post_q(name)` finds a sponsored
    post of a creator, when every variant and written form of the name is one word or two words
    parted by one space (the regular expression's word characters, so such a form is a whole word
    or pair of the sponsor or caption): the form itself, and "@" and the form (a whole mention).
    None for other names (Chinese ones, found anywhere; three words or more; punctuation): their
    posts are read."""
    keys = set()
    for variant in name_variants(name):
        for form in dict.fromkeys((variant, compact(variant))):
            # Shorter than the terms' cut length, so never equal to a cut term.
            if not _WORDS.fullmatch(form) or len(form) >= PARTNER_TERM_LENGTH - 1:
                return None
            keys |= {form, "@" + form}
    return keys or None


def worked_with(names: Iterable[str]) -> Q:
    """A `Q` on Creator: the creator published a sponsored post for any of `names`
    (`partner_post_q`). On PostgreSQL a name of one or two words is looked up in the creators'
    sponsored-post terms (CreatorPartnerTerm, an index); other names read the sponsored posts."""
    postgres = connection.vendor == "postgresql"
    read, terms = Q(), set[str]()
    for name in names:
        keys = partner_keys(name) if postgres else None
        if keys is None:
            read |= partner_post_q(name)
        else:
            terms |= keys
    # One EXISTS for all the names read (as many competitors' names as a brand has), one for all
    # the terms. EXISTS rather than IN for the terms: PostgreSQL estimates the share of creators
    # from their statistics (a hashed NOT IN is guessed at half of them, and the plan then sorts
    # every other creator).
    condition = Q(pk__in=[])
    if read:
        condition |= Q(Exists(Post.objects.filter(read, account__creator_id=OuterRef("pk"))))
    if terms:
        having = CreatorPartnerTerm.objects.filter(term__in=sorted(terms), creator_id=OuterRef("pk"))
        condition |= Q(Exists(having))
    return condition
