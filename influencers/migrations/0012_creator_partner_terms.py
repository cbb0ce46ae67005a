"""CreatorPartnerTerm: the terms of each creator's sponsored posts, the index discovery's
`worked_with` / `not_worked_with` filters look a brand name of one or two words up in, with the
same results as the word rules they apply to the posts (influencers.selectors.partners). Without
it the filters read every sponsored post (~225k pages, 0.4–0.9 s at 100k creators); a covering
index on the posts is impossible (a long caption overflows a B-tree entry).

Kept by PostgreSQL statement-level triggers: posts are written by imports (bulk and raw COPY),
the demo seed, admin edits and tests alike. Any write to a post's sponsorship, sponsor, caption,
mentions, date or account (and an account moving to another creator) recomputes the terms of the
creators concerned from their sponsored posts. SQLite (the embedded default, small catalogues)
gets the empty table and the filters keep reading the posts there.

Also a partial index on the creators whose risk level is "insufficient" (discovery's
risk_level=insufficient read every creator, ~40 ms at 100k).
"""

import django.db.models.deletion
from django.db import migrations, models

# The terms of one post, as the filter looks them up (influencers.selectors.partners.partner_keys):
# the lower-cased runs of [a-z0-9_] of its sponsor and caption, each also with the next one when
# one space parts them ("rival cosmetics": a two-word brand is a lookup too), cut to the column's
# 100 characters; and "@" and each whole mention, compared as the filter's `icontains` compares
# them (upper-cased). A newline parts the sponsor from the caption so no pair spans them.
TERMS = r"""
    SELECT left(x.term, 100) FROM (
        SELECT m[1] AS word, m[2] AS after, lead(m[1]) OVER (ORDER BY n) AS next
        FROM regexp_matches(lower(p.sponsor || E'\n' || p.caption), '([a-z0-9_]+)([^a-z0-9_]*)', 'g')
            WITH ORDINALITY r(m, n)
    ) w, LATERAL (VALUES (w.word), (CASE WHEN w.after = ' ' THEN w.word || ' ' || w.next END)) x(term)
    WHERE x.term IS NOT NULL
    UNION
    SELECT '@' || left(lower(upper(e)), 99)
    FROM jsonb_array_elements_text(CASE jsonb_typeof(p.mentions) WHEN 'array' THEN p.mentions END) e
"""

REFRESH = f"""
CREATE FUNCTION influencers_refresh_partner_terms(creator_ids bigint[]) RETURNS void AS $$
    DELETE FROM influencers_creatorpartnerterm WHERE creator_id = ANY(creator_ids);
    INSERT INTO influencers_creatorpartnerterm (creator_id, term, first_seen, last_seen, posts)
    SELECT a.creator_id, t.term, min(p.posted_at), max(p.posted_at), count(*)
    FROM influencers_post p JOIN influencers_account a ON a.id = p.account_id
    CROSS JOIN LATERAL ({TERMS}) t(term)
    WHERE a.creator_id = ANY(creator_ids) AND p.is_sponsored
    GROUP BY a.creator_id, t.term
    -- Two transactions refreshing one creator at once: the later one's counts win.
    ON CONFLICT (creator_id, term) DO UPDATE SET first_seen = EXCLUDED.first_seen,
        last_seen = EXCLUDED.last_seen, posts = EXCLUDED.posts;
$$ LANGUAGE sql;
"""


def _post_trigger(event: str, creators: str) -> list[str]:
    name = f"influencers_post_partners_{event.lower()}"
    transitions = {
        "INSERT": "NEW TABLE AS new_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
    }[event]
    return [
        f"""
CREATE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    PERFORM influencers_refresh_partner_terms(ARRAY({creators}));
    RETURN NULL;
END $$ LANGUAGE plpgsql;
""",
        f"CREATE TRIGGER {name} AFTER {event} ON influencers_post REFERENCING {transitions} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


def _creators_of(rows: str, where: str = "") -> str:
    return f"SELECT a.creator_id FROM {rows} r JOIN influencers_account a ON a.id = r.account_id {where}"


CHANGED = (
    "(n.is_sponsored, n.sponsor, n.caption, n.mentions::text, n.posted_at, n.account_id) IS DISTINCT FROM "
    "(o.is_sponsored, o.sponsor, o.caption, o.mentions::text, o.posted_at, o.account_id)"
)
POSTGRES = [
    REFRESH,
    *_post_trigger("INSERT", _creators_of("new_rows", "WHERE r.is_sponsored GROUP BY 1")),
    *_post_trigger(
        "UPDATE",
        f"SELECT a.creator_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        f"JOIN influencers_account a ON a.id IN (n.account_id, o.account_id) "
        f"WHERE (n.is_sponsored OR o.is_sponsored) AND {CHANGED} GROUP BY 1",
    ),
    *_post_trigger("DELETE", _creators_of("old_rows", "WHERE r.is_sponsored GROUP BY 1")),
    """
CREATE FUNCTION influencers_account_partners_moved() RETURNS trigger AS $$
BEGIN
    PERFORM influencers_refresh_partner_terms(ARRAY(
        SELECT c FROM new_rows n JOIN old_rows o ON o.id = n.id, LATERAL (VALUES (n.creator_id), (o.creator_id)) v(c)
        WHERE n.creator_id IS DISTINCT FROM o.creator_id GROUP BY 1));
    RETURN NULL;
END $$ LANGUAGE plpgsql;
""",
    "CREATE TRIGGER influencers_account_partners_moved AFTER UPDATE ON influencers_account "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION influencers_account_partners_moved()",
    # Existing posts, in one statement.
    f"""
INSERT INTO influencers_creatorpartnerterm (creator_id, term, first_seen, last_seen, posts)
SELECT a.creator_id, t.term, min(p.posted_at), max(p.posted_at), count(*)
FROM influencers_post p JOIN influencers_account a ON a.id = p.account_id
CROSS JOIN LATERAL ({TERMS}) t(term)
WHERE p.is_sponsored
GROUP BY a.creator_id, t.term
""",
    "ANALYZE influencers_creatorpartnerterm",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS influencers_account_partners_moved ON influencers_account",
    "DROP FUNCTION IF EXISTS influencers_account_partners_moved()",
    *(
        statement
        for event in ("insert", "update", "delete")
        for statement in (
            f"DROP TRIGGER IF EXISTS influencers_post_partners_{event} ON influencers_post",
            f"DROP FUNCTION IF EXISTS influencers_post_partners_{event}()",
        )
    ),
    "DROP FUNCTION IF EXISTS influencers_refresh_partner_terms(bigint[])",
]


def _run(schema_editor, statements):
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:
            schema_editor.execute(statement)


def install(apps, schema_editor):
    _run(schema_editor, POSTGRES)


def uninstall(apps, schema_editor):
    _run(schema_editor, POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0011_discovery_filter_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="CreatorPartnerTerm",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("term", models.CharField(max_length=100)),
                ("first_seen", models.DateTimeField()),
                ("last_seen", models.DateTimeField()),
                ("posts", models.PositiveIntegerField()),
                (
                    "creator",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="partner_terms",
                        to="influencers.creator",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("creator", "term"), name="partner_term_unique_creator_term")
                ],
                "indexes": [models.Index(fields=["term", "creator"], name="partner_term_term_creator_idx")],
            },
        ),
        migrations.RunPython(install, uninstall, elidable=False),
        migrations.AddIndex(
            model_name="creator",
            index=models.Index(
                condition=models.Q(("worst_risk_level", "insufficient")),
                fields=["id"],
                name="creator_risk_insufficient_idx",
            ),
        ),
    ]
