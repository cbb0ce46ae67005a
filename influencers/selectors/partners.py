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
# partner_post_q's word characters (case-folded): a run of them in a name is a whole word of
# the text it matches, and two runs parted by one space are a pair of words there.
_WORD = re.compile(r"[a-z0-9_]+(?: [a-z0-9_]+)?")
_JSON_ESCAPED = re.compile(r'["\\\x00-\x1f]')


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


def partner_keys(name: str) -> tuple[set[str], bool] | None:
    """The CreatorPartnerTerm terms one of which every sponsored post `partner_post_q(name)`
    finds has, and whether having one is the same as being found. Per variant and written form:
    its first word, or pair of words parted by one space (a whole word or pair of the sponsor or
    caption), or for a Chinese variant its first Chinese character; and "@" and the form (a
    whole mention). Exact when every form is one word or one such pair. None when some form has
    neither, or characters the mentions' JSON text escapes: no term narrows it down."""
    keys, exact = set(), True
    for variant in name_variants(name):
        cjk = _CJK.search(variant)
        for form in dict.fromkeys((variant, compact(variant))):
            word = _WORD.search(form)
            if _JSON_ESCAPED.search(form) or not (cjk or word):
                return None
            keys.add("@" + form[: PARTNER_TERM_LENGTH - 1])
            # Chinese names are found anywhere in the text, so their first character is there.
            keys.add(cjk.group() if cjk else word.group()[:PARTNER_TERM_LENGTH])  # type: ignore[union-attr]
            whole = not cjk and word is not None and word.group() == form
            exact = exact and whole and len(form) < PARTNER_TERM_LENGTH - 1  # never a cut term
    return keys, exact


def worked_with(names: Iterable[str]) -> Q:
    """A `Q` on Creator: the creator published a sponsored post for any of `names`
    (`partner_post_q`). On PostgreSQL the creators come from the terms index (CreatorPartnerTerm):
    a one-word name is a lookup; otherwise the creators found there have their posts read with
    the word rules of `partner_post_q`, and the others are never read."""
    postgres = connection.vendor == "postgresql"
    condition, one_word = Q(pk__in=[]), set[str]()
    for name in names:
        posts = Exists(Post.objects.filter(partner_post_q(name), account__creator_id=OuterRef("pk")))
        found = partner_keys(name) if postgres else None
        if found is None:
            condition |= Q(posts)
            continue
        keys, exact = found
        if exact:
            one_word |= keys
        else:
            condition |= _having_terms(keys) & Q(posts)
    return condition | _having_terms(one_word) if one_word else condition


def _having_terms(keys: set[str]) -> Q:
    # EXISTS rather than IN: PostgreSQL estimates the share of creators from the terms' statistics
    # (a hashed NOT IN is guessed at half of them, and the plan then sorts every other creator).
    return Q(Exists(CreatorPartnerTerm.objects.filter(term__in=sorted(keys), creator_id=OuterRef("pk"))))
