"""`influencers.history_arrays` against a plain-Python statement of its rules, on random cases:
points by day (the last of a day wins), one conversion for many accounts, the merge of an import's
points into a stored history (a new day is created, a stored day's known counts replace the stored
ones and its unknown ones keep them unless `replace`), and the packed form."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from influencers.history_arrays import (
    EMPTY,
    ChunkHistories,
    History,
    Point,
    _by_day,
    day_number,
    day_of,
    from_points,
    merged,
    merged_each,
    split_by_account,
    unpacked,
)
from influencers.metrics.chunk import MISSING

SEEDS = range(40)
START = dt.date(2025, 11, 1)

# A reference point: day → (followers, following, posts), unknown counts None.
Reference = dict[dt.date, tuple[int, int | None, int | None]]


def random_points(rng: random.Random, *, days: int = 30, size: int | None = None) -> list[Point]:
    """Points in random order on a few weeks' days (some days twice), counts sometimes unknown,
    some at the ends of the int64 range the arrays hold."""
    size = rng.randrange(0, 25) if size is None else size
    counts = [0, 1, 7, 1_000, 2**31, 2**63 - 1]

    def count() -> int:
        return rng.choice(counts) if rng.random() < 0.2 else rng.randrange(0, 5_000)

    def maybe() -> int | None:
        return None if rng.random() < 0.3 else count()

    return [(START + dt.timedelta(days=rng.randrange(days)), count(), maybe(), maybe()) for _ in range(size)]


def reference_of(points: list[Point]) -> Reference:
    out: Reference = {}
    for day, followers, following, posts in points:
        out[day] = (followers, following, posts)  # a later point of the same day wins
    return dict(sorted(out.items()))


def as_points(reference: Reference) -> list[Point]:
    return [(day, *counts) for day, counts in reference.items()]


def reference_merge(current: Reference, given: Reference, *, replace: bool) -> tuple[Reference, int, int, int]:
    after = dict(current)
    created = updated = unchanged = 0
    for day, counts in given.items():
        if day not in current:
            after[day] = counts
            created += 1
            continue
        stored = current[day]
        now = counts if replace else tuple(s if g is None else g for g, s in zip(counts, stored, strict=True))
        after[day] = now  # type: ignore[assignment]
        if now == stored:
            unchanged += 1
        else:
            updated += 1
    return dict(sorted(after.items())), created, updated, unchanged


@pytest.mark.parametrize("seed", SEEDS)
def test_from_points_keeps_the_last_point_of_each_day_in_date_order(seed):
    points = random_points(random.Random(seed))
    history = from_points(points)
    assert history.points() == as_points(reference_of(points))
    assert history.days.dtype == np.int64 and bool((np.diff(history.days) > 0).all())


@pytest.mark.parametrize("seed", SEEDS)
def test_by_day_of_unsorted_days_with_repeats_keeps_each_days_last(seed):
    rng = random.Random(seed)
    size = rng.randrange(0, 40)
    days = [rng.randrange(10) for _ in range(size)]
    values = [rng.randrange(1_000) for _ in range(size)]
    history = History(*(np.array(column, dtype=np.int64) for column in (days, values, values, values)))
    expected: dict[int, int] = {}
    for day, value in zip(days, values, strict=True):
        expected[day] = value
    result = _by_day(history)
    assert result.days.tolist() == sorted(expected)
    assert result.followers.tolist() == [expected[day] for day in sorted(expected)]
    assert result.posts.tolist() == result.followers.tolist()


@pytest.mark.parametrize("seed", SEEDS)
def test_split_by_account_is_from_points_of_each_account(seed):
    rng = random.Random(seed)
    accounts = [random_points(rng) for _ in range(rng.randrange(0, 12))]
    histories = split_by_account(accounts)
    assert len(histories) == len(accounts)
    for points, history in zip(accounts, histories, strict=True):
        assert history.points() == as_points(reference_of(points))


@pytest.mark.parametrize("seed", SEEDS)
def test_split_by_account_of_accounts_in_date_order_with_empty_ones_between(seed):
    """The usual file: each account's points by date, one a day (the path without a sort), next
    to accounts without points, first and last included, and one account out of order."""
    rng = random.Random(seed)
    accounts = [as_points(reference_of(random_points(rng))) if rng.random() < 0.7 else [] for _ in range(12)]
    accounts[0] = accounts[-1] = []
    if seed % 2:
        accounts[rng.randrange(1, 11)] = random_points(rng, size=10)  # repeats and disorder
    histories = split_by_account(accounts)
    assert [history.points() for history in histories] == [as_points(reference_of(points)) for points in accounts]


def test_split_by_account_of_accounts_without_points_gives_empty_histories():
    histories = split_by_account([[], [(START, 5, None, 1)], []])
    assert [history.points() for history in histories] == [[], [(START, 5, None, 1)], []]


@pytest.mark.parametrize("replace", [False, True])
@pytest.mark.parametrize("seed", SEEDS)
def test_merged_follows_the_reference_rules(seed, replace):
    rng = random.Random(seed)
    current = reference_of(random_points(rng))
    given_points = random_points(rng)
    # Some given days exactly as stored, some with only an unknown count different: unchanged
    # unless `replace`.
    for day, (followers, following, posts) in list(current.items())[: rng.randrange(0, 4)]:
        given_points.append((day, followers, following, posts))
        given_points.append((day, followers, None, posts))
    rng.shuffle(given_points)
    given = reference_of(given_points)

    result = merged(from_points(as_points(current)), from_points(given_points), replace=replace)

    after, created, updated, unchanged = reference_merge(current, given, replace=replace)
    assert result.history.points() == as_points(after)
    assert (result.created, result.updated, result.unchanged) == (created, updated, unchanged)
    assert result.changed == bool(created or updated)


@pytest.mark.parametrize("replace", [False, True])
@pytest.mark.parametrize("seed", SEEDS)
def test_merged_each_follows_the_reference_rules_for_each_pair(seed, replace):
    """The chunk's merge at once gives each pair what the reference rules give, next to pairs
    with nothing stored, nothing given, or given exactly as stored."""
    rng = random.Random(seed)
    currents = [reference_of(random_points(rng)) for _ in range(rng.randrange(1, 15))]
    givens = [reference_of(random_points(rng)) for _ in currents]
    givens[0] = currents[0]
    currents[-1] = {}
    if len(givens) > 2:
        givens[1] = {}
    results = merged_each(
        [from_points(as_points(c)) for c in currents], [from_points(as_points(g)) for g in givens], replace=replace
    )
    expected = [
        reference_merge(current, given, replace=replace) for current, given in zip(currents, givens, strict=True)
    ]
    assert [(r.history.points(), r.created, r.updated, r.unchanged) for r in results] == [
        (as_points(after), created, updated, unchanged) for after, created, updated, unchanged in expected
    ]


def test_merged_each_returns_an_unchanged_history_as_it_is():
    stored = unpacked(*from_points([(START, 1, 2, 3), (START + dt.timedelta(days=1), 4, 5, 6)]).packed())
    [result] = merged_each([stored], [from_points([(START, 1, None, 3)])])
    assert result.history is stored and (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert merged_each([], []) == []
    with pytest.raises(ValueError):
        merged_each([stored], [])


def test_merged_by_hand():
    """One stored day changed, one as stored but for an unknown count, one new day between."""
    current = from_points([(dt.date(2026, 3, 1), 100, 5, 1), (dt.date(2026, 3, 3), 120, 6, 2)])
    given = from_points([(dt.date(2026, 3, 3), 120, None, 3), (dt.date(2026, 3, 2), 110, None, None)])
    result = merged(current, given)
    assert result.history.points() == [
        (dt.date(2026, 3, 1), 100, 5, 1),
        (dt.date(2026, 3, 2), 110, None, None),
        (dt.date(2026, 3, 3), 120, 6, 3),
    ]
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    replaced = merged(current, given, replace=True)
    assert replaced.history.points()[2] == (dt.date(2026, 3, 3), 120, None, 3)


def test_merged_does_not_modify_the_stored_arrays():
    """The stored history is read-only views of the row's bytes (`unpacked`): merging copies."""
    stored = unpacked(*from_points([(START, 1, 2, 3)]).packed())
    before = stored.packed()
    result = merged(stored, from_points([(START, 9, 9, 9)]))
    assert stored.packed() == before
    assert result.history.points() == [(START, 9, 9, 9)]


def test_merged_with_an_empty_side():
    history = from_points([(START, 1, None, 3)])
    assert merged(EMPTY, history).history == history and merged(EMPTY, history).created == 1
    assert merged(history, EMPTY).history == history and not merged(history, EMPTY).changed


@pytest.mark.parametrize("seed", SEEDS)
def test_packed_columns_read_back_as_the_same_history(seed):
    history = from_points(random_points(random.Random(seed)))
    columns = history.packed()
    assert all(len(column) == 8 * len(history) for column in columns)
    assert unpacked(*columns) == history
    assert unpacked(*columns).points() == history.points()


def test_packed_is_little_endian_int64_with_missing_for_unknown():
    history = from_points([(dt.date(1970, 1, 2), 258, None, 0)])
    dates, followers, following, posts = history.packed()
    assert dates == b"\x01" + b"\x00" * 7
    assert followers == b"\x02\x01" + b"\x00" * 6
    assert following == b"\xff" * 8 and MISSING == -1
    assert posts == b"\x00" * 8


@pytest.mark.parametrize("seed", SEEDS[:10])
def test_until_and_newest_cut_where_the_points_say(seed):
    rng = random.Random(seed)
    history = from_points(random_points(rng, size=20))
    points = history.points()
    cut = START + dt.timedelta(days=rng.randrange(-2, 32))
    assert history.until(cut).points() == [point for point in points if point[0] <= cut]
    limit = rng.randrange(0, 25)
    assert history.newest(limit).points() == points[max(0, len(points) - limit) :]


def test_day_numbers_are_days_since_1970():
    assert day_number(dt.date(1970, 1, 1)) == 0
    assert day_number(dt.date(1969, 12, 31)) == -1
    assert day_number(dt.date(2026, 3, 1)) == 20513  # 56 years of 365 days, 14 leap days, 59 days of 2026
    assert day_of(20513) == dt.date(2026, 3, 1)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_chunk_packs_each_account_as_its_history_does(seed):
    """`ChunkHistories.packed` (slices of the chunk's packed columns, for points already by date)
    and `size` give what the account's own History gives, in order or not, with counts unknown
    (the conversion's other path) or all known."""
    rng = random.Random(seed)
    accounts = [as_points(reference_of(random_points(rng))) if rng.random() < 0.8 else [] for _ in range(10)]
    if seed % 3 == 0:
        accounts[rng.randrange(10)] = random_points(rng, size=10)  # repeats and disorder
    if seed % 2:
        accounts = [[(day, followers, 3, 4) for day, followers, *_unknown in points] for points in accounts]
    chunk = ChunkHistories(accounts)
    assert len(chunk) == len(accounts)
    for index, points in enumerate(accounts):
        own = from_points(points)
        assert chunk.packed(index) == own.packed()
        assert chunk.size(index) == len(own)
        assert chunk.history(index) == own
