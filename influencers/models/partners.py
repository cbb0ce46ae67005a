"""The words of each creator's sponsored posts: the index discovery's `worked_with` /
`not_worked_with` filters look brand names up in (influencers.selectors.partners), kept by
database triggers on PostgreSQL (migration 0012)."""

from __future__ import annotations

from django.db import models

from influencers.models.catalogue import Creator

PARTNER_TERM_LENGTH = 100  # longer terms are kept cut to this length (and never looked up)


class CreatorPartnerTerm(models.Model):
    """One normalised term of a creator's sponsored posts: a lower-cased run of ASCII letters,
    digits and underscores of their sponsor or caption, such a run and the next one when one
    space parts them ("rival cosmetics"), or "@" and a whole mention; with when it was first and
    last posted and in how many sponsored posts. Maintained by the
    database (PostgreSQL triggers on posts and accounts); never written by the application."""

    # Indexed by the constraint below (creator first), which the triggers' refresh and the
    # filter's per-creator probe read.
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="partner_terms", db_index=False)
    term = models.CharField(max_length=PARTNER_TERM_LENGTH)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    posts = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["creator", "term"], name="partner_term_unique_creator_term")]
        # A brand's terms give its creators (when few creators worked with it, the plan starts here).
        indexes = [models.Index(fields=["term", "creator"], name="partner_term_term_creator_idx")]

    def __str__(self) -> str:
        return f"{self.term} in the sponsored posts of creator {self.creator_id}"
