"""The keyword-search document of an account: the text discovery's `q=` filter searches, kept
in step by the catalogue writes (influencers.search.index) and indexed by the database's own
engine (migration 0010: FTS5 with the trigram tokenizer on SQLite; pg_trgm and a weighted
tsvector, both GIN, on PostgreSQL)."""

from __future__ import annotations

from django.db import models

from influencers.models.catalogue import Account


class AccountSearchText(models.Model):
    """Case-folded search text of one account, in three parts weighted for relevance: `names`
    (handle, account and creator names), `about` (bio and the words of the creator's categories
    in both languages) and `posts` (captions and hashtags of the newest posts), plus `grams`, the
    Chinese bigrams of all three."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, primary_key=True, related_name="search_text")
    names = models.TextField(blank=True)
    about = models.TextField(blank=True)
    posts = models.TextField(blank=True)
    grams = models.TextField(blank=True, help_text="Chinese bigrams of the text (influencers.search_text.cjk_bigrams)")

    def __str__(self) -> str:
        return f"search text of account {self.account_id}"
