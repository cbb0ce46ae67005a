"""`python manage.py rebuild_search_index`: write the keyword-search text of every account again
(after a change to what the text holds, or writes that bypassed the catalogue's services)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from influencers.services.search_index import index_all


class Command(BaseCommand):
    help = "Rebuild the keyword-search text (and so the database's search index) of every account."

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        count = index_all()
        self.stdout.write(f"search text of {count} account(s) written in {time.perf_counter() - started:.1f} s")
