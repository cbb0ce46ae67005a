"""Index classes the catalogue's models share."""

from __future__ import annotations

from django.db import models
from django.db.models import OrderBy


class NullsLastIndex(models.Index):
    """An index on `OrderBy(..., nulls_last=True)` expressions that also builds on SQLite.

    PostgreSQL walks an index for ORDER BY only when the NULLs placement matches, so "highest
    first, not computed yet last" needs DESC NULLS LAST in the index. SQLite refuses NULLS
    LAST in an index definition, but its DESC order already puts NULLs last: there the
    modifier is simply dropped.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):  # noqa: ANN001, ANN201
        if schema_editor.connection.vendor != "postgresql" and self.expressions:
            plain = [
                OrderBy(e.expression, descending=e.descending) if isinstance(e, OrderBy) else e
                for e in self.expressions
            ]
            index = models.Index(*plain, name=self.name, db_tablespace=self.db_tablespace, condition=self.condition)
            return index.create_sql(model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def deconstruct(self):  # noqa: ANN201
        # Migrations name the class where it was first defined (influencers.models.metrics
        # re-exports it): the same path keeps the autodetector from re-creating those indexes.
        _, args, kwargs = super().deconstruct()
        return "influencers.models.metrics.NullsLastIndex", args, kwargs
