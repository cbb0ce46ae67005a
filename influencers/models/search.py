"""The keyword-search text of an account: what discovery's `q=` filter searches, kept in step
by the catalogue writes (influencers.services.search_index) and indexed by the database's own
engine (migration 0010: FTS5 with the trigram tokenizer on SQLite, pg_trgm's GIN on PostgreSQL)."""

from __future__ import annotations

from django.db import models

from influencers.models.catalogue import Account


class AccountSearchText(models.Model):
    """Case-folded search text of one account, in three parts weighted for relevance: `names`
    (handle, account and creator names), `about` (bio and the words of the creator's categories
    in both languages) and `posts` (captions and hashtags of the newest posts), each followed by its
    Chinese bigrams (influencers.search_text.cjk_bigrams)."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, primary_key=True, related_name="search_text")
    names = models.TextField(blank=True)
    about = models.TextField(blank=True)
    posts = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"search text of account {self.account_id}"
