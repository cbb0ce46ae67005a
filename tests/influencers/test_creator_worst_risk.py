"""Creator.worst_fake_risk (migration 0009's triggers) always equals the creator-level risk
discovery sorts by, `creator_worst_risk()` (the highest fake_risk among the creator's accounts
with a verdict), whatever writes the metrics or moves an account."""

from __future__ import annotations

import random

import pytest
from django.db import connection

from influencers.models import Account, AccountMetrics, Creator
from influencers.selectors.creators import creator_list, creator_risks, creator_worst_risk
from tests.factories import AccountFactory, AccountMetricsFactory, CreatorFactory

pytestmark = pytest.mark.django_db


def stored_and_computed() -> dict[int, tuple[float | None, float | None]]:
    rows = Creator.objects.annotate(computed=creator_worst_risk()).values_list("pk", "worst_fake_risk", "computed")
    return {pk: (stored, computed) for pk, stored, computed in rows}


def assert_in_step() -> dict[int, float | None]:
    both = stored_and_computed()
    assert all(stored == computed for stored, computed in both.values()), both
    return {pk: stored for pk, (stored, _) in both.items()}


def vetted(creator: Creator, risk: float | None, level: str = "low") -> AccountMetrics:
    return AccountMetricsFactory(account=AccountFactory(creator=creator), fake_risk=risk, risk_level=level)


def test_every_kind_of_write_keeps_the_stored_risk_in_step():
    a, b = CreatorFactory(), CreatorFactory()
    low = vetted(a, 0.1)
    high = vetted(a, 0.7, "high")
    vetted(a, 0.95, "insufficient")  # no verdict: never the creator's risk
    assert assert_in_step()[a.pk] == 0.7

    high.fake_risk = 0.2  # save()
    high.save()
    assert assert_in_step()[a.pk] == 0.2
    AccountMetrics.objects.filter(pk=low.pk).update(fake_risk=0.4)  # queryset update
    assert assert_in_step()[a.pk] == 0.4
    low.risk_level, high.risk_level = "insufficient", "medium"
    AccountMetrics.objects.bulk_update([low, high], ["risk_level"])
    assert assert_in_step()[a.pk] == 0.2

    Account.objects.filter(pk=high.account_id).update(creator=b)  # an account moves to another creator
    stored = assert_in_step()
    assert stored[a.pk] is None and stored[b.pk] == 0.2
    AccountMetrics.objects.filter(pk=high.pk).delete()
    assert assert_in_step()[b.pk] is None
    AccountMetrics.objects.bulk_create(
        [AccountMetrics(account=AccountFactory(creator=b), fake_risk=r, risk_level="low") for r in (0.3, 0.6)]
    )
    assert assert_in_step()[b.pk] == 0.6
    Account.objects.filter(creator=b).delete()
    assert assert_in_step()[b.pk] is None


@pytest.mark.parametrize("sort", ["fake_risk", "-fake_risk"])
def test_discovery_sorts_by_the_creator_level_risk(sort):
    safe, risky, unvetted = CreatorFactory(), CreatorFactory(), CreatorFactory()
    vetted(safe, 0.1)
    vetted(risky, 0.05)  # a clean big account does not make a creator with a risky one safe
    vetted(risky, 0.8, "high")
    AccountMetricsFactory(account=AccountFactory(creator=unvetted), fake_risk=None, risk_level="")
    order = [c.pk for c in creator_list(filters={"sort": sort})]
    expected = [safe.pk, risky.pk] if sort == "fake_risk" else [risky.pk, safe.pk]
    assert order == [*expected, unvetted.pk]  # no verdict: last both ways


def assert_level_in_step() -> dict[int, str]:
    """Creator.worst_risk_level (0011's triggers) against the creator-level verdict computed in
    Python from every account (influencers.risk.creator_risk)."""
    stored = dict(Creator.objects.values_list("pk", "worst_risk_level"))
    computed = {pk: risk.level for pk, risk in creator_risks(creators=list(stored)).items()}
    assert stored == {pk: computed.get(pk, "") for pk in stored}
    return stored


def test_every_kind_of_write_keeps_the_stored_level_in_step():
    a, b = CreatorFactory(), CreatorFactory()
    assert assert_level_in_step()[a.pk] == ""  # no metrics at all
    AccountMetricsFactory(account=AccountFactory(creator=a), fake_risk=None, risk_level="")
    assert assert_level_in_step()[a.pk] == ""  # not vetted
    unsure = vetted(a, 0.9, "unknown")  # the older word for insufficient
    assert assert_level_in_step()[a.pk] == "insufficient"
    low = vetted(a, 0.1)
    assert assert_level_in_step()[a.pk] == "low"
    AccountMetrics.objects.filter(pk=unsure.pk).update(risk_level="high")
    assert assert_level_in_step()[a.pk] == "high"
    AccountMetrics.objects.bulk_update([AccountMetrics(pk=unsure.pk, risk_level="medium")], ["risk_level"])
    assert assert_level_in_step()[a.pk] == "medium"
    Account.objects.filter(pk=unsure.account_id).update(creator=b)
    stored = assert_level_in_step()
    assert (stored[a.pk], stored[b.pk]) == ("low", "medium")
    AccountMetrics.objects.filter(pk=low.pk).delete()
    assert assert_level_in_step()[a.pk] == ""
    Account.objects.filter(creator=b).delete()
    assert assert_level_in_step()[b.pk] == ""


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"risk_level": "low"}, {"safe"}),
        ({"risk_level": ["high", "insufficient"]}, {"risky", "unsure"}),
        ({"max_fake_risk": 0.5}, {"safe"}),
        ({"max_fake_risk": 0.8}, {"safe", "risky"}),
    ],
)
def test_the_risk_filters_read_the_stored_level(filters, expected):
    creators = {name: CreatorFactory(display_name=name) for name in ("safe", "risky", "unsure", "unvetted")}
    vetted(creators["safe"], 0.1)
    vetted(creators["safe"], 0.9, "insufficient")  # no verdict: does not make the creator risky
    vetted(creators["risky"], 0.05)
    vetted(creators["risky"], 0.8, "high")
    vetted(creators["unsure"], 0.2, "insufficient")
    AccountMetricsFactory(account=AccountFactory(creator=creators["unvetted"]), fake_risk=None, risk_level="")
    assert {c.display_name for c in creator_list(filters=filters)} == expected


def test_saving_a_creator_read_before_a_metrics_write_keeps_the_triggers_values():
    creator = CreatorFactory(display_name="Before")
    metrics = vetted(creator, 0.1)
    read_early = Creator.objects.get(pk=creator.pk)  # holds worst_fake_risk 0.1, level "low"
    metrics.fake_risk, metrics.risk_level = 0.8, "high"
    metrics.save()  # the triggers move the creator to 0.8 / high
    read_early.display_name = "After"
    read_early.save()  # a full save of the older copy
    stored = Creator.objects.get(pk=creator.pk)
    assert (stored.display_name, stored.worst_fake_risk, stored.worst_risk_level) == ("After", 0.8, "high")
    assert_in_step()
    assert_level_in_step()


def test_a_creators_accounts_without_a_verdict_are_listed_by_platform_then_handle():
    # Created in another order than they are listed, with other creators' accounts between them:
    # the verdict names them as the catalogue lists a creator's accounts.
    creator, other = CreatorFactory(), CreatorFactory()
    vetted(creator, 0.3)
    for platform, handle in (("youtube", "b_tube"), ("instagram", "z_gram"), ("instagram", "a_gram")):
        AccountMetricsFactory(
            account=AccountFactory(creator=creator, platform=platform, handle=handle), risk_level="insufficient"
        )
        vetted(other, 0.5)
    listed = creator_risks(creators=[other.pk, creator.pk])[creator.pk].without_verdict
    assert [(a.platform, a.handle) for a in listed] == [
        ("instagram", "a_gram"),
        ("instagram", "z_gram"),
        ("youtube", "b_tube"),
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite's triggers are row-level")
def test_the_refresh_function_sets_each_named_creator_once_from_all_its_accounts():
    # Migration 0020's grouped aggregate: a creator named twice, one whose accounts have no
    # verdict or no metrics at all, one without accounts and an id no creator has.
    risky, unsure, empty, untouched = CreatorFactory(), CreatorFactory(), CreatorFactory(), CreatorFactory()
    vetted(risky, 0.2)
    vetted(risky, 0.7, "medium")
    vetted(risky, 0.9, "insufficient")
    AccountFactory(creator=risky)  # no metrics row
    vetted(unsure, 0.4, "unknown")
    vetted(untouched, 0.3)
    # Out of step on purpose (a queryset update of the creators fires no trigger).
    Creator.objects.update(worst_fake_risk=0.99, worst_risk_level="high")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT influencers_refresh_worst_risk(%s::bigint[])", [[risky.pk, unsure.pk, risky.pk, empty.pk, -1]]
        )
    stored = {
        pk: (risk, level)
        for pk, risk, level in Creator.objects.values_list("pk", "worst_fake_risk", "worst_risk_level")
    }
    assert stored == {
        risky.pk: (0.7, "medium"),
        unsure.pk: (None, "insufficient"),
        empty.pk: (None, ""),
        untouched.pk: (0.99, "high"),  # not named: left as it was
    }


@pytest.mark.parametrize("seed", range(6))
def test_random_writes_keep_the_stored_risk_and_level_in_step(seed):
    """The triggers skip rows that cannot change a creator's values (inserted without a risk or a
    level, updated to the same risk and level: migration 0022); whatever the order of writes, the
    stored values stay those computed from every account."""
    rng = random.Random(seed)
    creators = [CreatorFactory() for _ in range(3)]
    levels = ["", "", "low", "medium", "high", "insufficient", "unknown"]
    rows: list[AccountMetrics] = []
    for _step in range(40):
        action = rng.choice(["insert", "insert", "update", "same", "delete", "move"])
        if action == "insert" or not rows:
            level = rng.choice(levels)
            risk = None if level == "" and rng.random() < 0.7 else round(rng.random(), 2)
            account = AccountFactory(creator=rng.choice(creators))
            rows.append(AccountMetrics.objects.create(account=account, followers=1, fake_risk=risk, risk_level=level))
        elif action == "update":
            row = rng.choice(rows)
            AccountMetrics.objects.filter(pk=row.pk).update(
                fake_risk=rng.choice([None, round(rng.random(), 2)]), risk_level=rng.choice(levels)
            )
        elif action == "same":  # the values it has: the update trigger's skip
            row = rng.choice(rows)
            current = AccountMetrics.objects.values_list("fake_risk", "risk_level").get(pk=row.pk)
            AccountMetrics.objects.filter(pk=row.pk).update(fake_risk=current[0], risk_level=current[1])
        elif action == "delete":
            AccountMetrics.objects.filter(pk=rows.pop(rng.randrange(len(rows))).pk).delete()
        else:
            Account.objects.filter(pk=rng.choice(rows).account_id).update(creator=rng.choice(creators))
        assert_in_step()
        assert_level_in_step()


def test_sqlite_runs_no_refresh_for_rows_that_cannot_change_the_creator():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's row triggers (PostgreSQL's statement triggers filter their rows in SQL)")
    creator = CreatorFactory()
    account = AccountFactory(creator=creator)
    raw = connection.connection

    def rows_written(write) -> int:  # the statement's row plus any the triggers wrote
        before = raw.total_changes
        write()
        return raw.total_changes - before

    assert rows_written(lambda: AccountMetrics.objects.create(account=account, followers=1)) == 1
    update = AccountMetrics.objects.filter(pk=account.pk).update
    assert rows_written(lambda: update(fake_risk=0.4, risk_level="medium")) == 2  # the creator refreshed
    assert rows_written(lambda: update(fake_risk=0.4, risk_level="medium")) == 1  # nothing changed
    assert Creator.objects.values_list("worst_fake_risk", "worst_risk_level").get(pk=creator.pk) == (0.4, "medium")
