"""Follow-ups split over forked worker processes (influencers/follow_ups.py, core/parallel.py):
the steps registered `parallel=True` run on parts of the changed accounts in workers, each
creator's accounts in one part, consecutive split steps part by part and the next step after
every part; the stored results equal those of one process; where forking is unsafe everything
runs in this process."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time

import pytest
from django.db import connection, transaction

from core import parallel
from core.caching.versions import data_version
from core.parallel import fork_refusal
from influencers import follow_ups
from influencers.follow_ups import AccountsChanged, accounts_changed
from influencers.models import Account, AccountMetrics, AccountSearchText, Creator
from influencers.services.history import record_points
from tests.factories import AccountFactory, CreatorFactory, PostFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_other_thread(monkeypatch):
    """Forking needs this process to run no other thread. Threads that earlier tests left behind
    (a webhook receiver's server, the shard-search pool of a style search) are not this test's:
    the workers never touch them, so they are not counted (the rule itself is tested below with
    a thread of its own)."""
    left_behind = set(parallel.other_threads())
    real = parallel.other_threads
    monkeypatch.setattr(parallel, "other_threads", lambda: [t for t in real() if t not in left_behind])


@pytest.fixture
def split(settings, monkeypatch):
    """Two workers from the first account on, parts of two accounts (the steps' defaults would
    need thousands), and an empty registry the test fills."""
    settings.FOLLOW_UP_PROCESSES = 2
    settings.FOLLOW_UP_PARALLEL_MIN_ACCOUNTS = 1
    monkeypatch.setattr(follow_ups, "PART_MIN", 2)
    monkeypatch.setattr(follow_ups, "_registry", {kind: [] for kind in follow_ups._registry})


def _logging_step(log, name: str, *, fail_on: int | None = None, burn: float = 0.0):
    """A step appending "name pid start end ids" to the file `log` (one write per call, so the
    workers' lines never mix); raises when its part holds `fail_on`."""

    def step(change: AccountsChanged) -> None:
        started = time.time()
        spent = time.process_time()
        while time.process_time() - spent < burn:
            pass
        time.sleep(0.05)
        line = f"{name} {os.getpid()} {started} {time.time()} {','.join(map(str, change.account_ids))}\n"
        with open(log, "a", encoding="utf-8") as out:
            out.write(line)
        if fail_on is not None and fail_on in change.account_ids:
            raise RuntimeError(f"part with account {fail_on} failed")

    return step


def _lines(log) -> list[tuple[str, int, float, float, list[int]]]:
    rows = []
    for line in log.read_text(encoding="utf-8").splitlines():
        name, pid, started, ended, ids = line.split(" ")
        rows.append((name, int(pid), float(started), float(ended), [int(i) for i in ids.split(",")]))
    return rows


def _catalogue(creators: int = 4, accounts_each: int = 2) -> tuple[list[int], dict[int, int]]:
    """Accounts of `creators` creators, made creator by creator but with ids interleaved, so that
    parts cut by account id would split creators."""
    people = [CreatorFactory() for _ in range(creators)]
    owner: dict[int, int] = {}
    for _round in range(accounts_each):
        for person in people:
            account = AccountFactory(creator=person)
            owner[account.pk] = person.pk
    return sorted(owner), owner


def test_split_steps_run_in_workers_on_whole_creators_and_every_account_once(split, tmp_path):
    log = tmp_path / "steps.log"
    follow_ups.register_follow_up(AccountsChanged, what="a", step=_logging_step(log, "a"), order=1, parallel=True)
    ids, owner = _catalogue()

    accounts_changed(ids, report=lambda what, exc: pytest.fail(f"{what}: {exc}"))

    rows = _lines(log)
    pids = {pid for _, pid, *_ in rows}
    assert os.getpid() not in pids and len(pids) == 2
    parts = [part for *_, part in rows]
    assert len(parts) >= 2 and sorted(i for part in parts for i in part) == ids
    for part in parts:
        creators = {owner[i] for i in part}
        assert [i for i in ids if owner[i] in creators] == sorted(part)


def test_a_cache_outage_a_worker_saw_is_handed_back_to_this_process(split, tmp_path):
    # A worker whose cache calls failed (its writes' data-version bumps lost) keeps the outage
    # in its own process; handed back, this process empties the cache once Redis answers again.
    from core.caching.backend import note_outages, outages_seen, reset_outage_state

    location = "redis://127.0.0.1:1/1"
    log = tmp_path / "steps.log"
    step = _logging_step(log, "a")

    def outage_in_worker(change: AccountsChanged) -> None:
        step(change)
        if os.getpid() != parent:
            note_outages([location])  # what a failed call does there (FailOpenRedisCache._down)

    parent = os.getpid()
    follow_ups.register_follow_up(AccountsChanged, what="a", step=outage_in_worker, order=1, parallel=True)
    ids, _owner = _catalogue()
    reset_outage_state()
    try:
        accounts_changed(ids, report=lambda what, exc: pytest.fail(f"{what}: {exc}"))
        assert parent not in {pid for _, pid, *_ in _lines(log)}  # only workers saw it
        assert location in outages_seen()
    finally:
        reset_outage_state()


def test_consecutive_split_steps_run_part_by_part_and_the_next_step_after_every_part(split, tmp_path):
    log = tmp_path / "steps.log"
    follow_ups.register_follow_up(AccountsChanged, what="a", step=_logging_step(log, "a"), order=1, parallel=True)
    follow_ups.register_follow_up(AccountsChanged, what="b", step=_logging_step(log, "b"), order=2, parallel=True)
    follow_ups.register_follow_up(AccountsChanged, what="c", step=_logging_step(log, "c"), order=3)
    ids, _ = _catalogue()

    accounts_changed(ids, report=lambda what, exc: pytest.fail(f"{what}: {exc}"))

    rows = _lines(log)
    a_parts = {tuple(part): (pid, ended) for name, pid, _, ended, part in rows if name == "a"}
    b_parts = {tuple(part): (pid, started) for name, pid, started, _, part in rows if name == "b"}
    assert len(a_parts) >= 2 and a_parts.keys() == b_parts.keys()
    for part, (pid, a_ended) in a_parts.items():
        b_pid, b_started = b_parts[part]
        assert b_pid == pid and a_ended <= b_started  # on a part, b runs after a, in the same worker
    # No barrier between a and b: b's first part starts before a's last part ends.
    assert min(started for _, started in b_parts.values()) < max(ended for _, ended in a_parts.values())
    b_ended = max(ended for name, _, _, ended, _ in rows if name == "b")
    c_rows = [(pid, started, part) for name, pid, started, _, part in rows if name == "c"]
    assert [(pid, part) for pid, _, part in c_rows] == [(os.getpid(), ids)] and b_ended <= c_rows[0][1]


def test_a_failing_part_is_reported_once_and_the_rest_still_runs(split, tmp_path):
    log = tmp_path / "steps.log"
    ids, _ = _catalogue()
    failing = follow_ups.register_follow_up
    failing(AccountsChanged, what="a", step=_logging_step(log, "a", fail_on=ids[0]), order=1, parallel=True)
    failing(AccountsChanged, what="b", step=_logging_step(log, "b"), order=2, parallel=True)
    reports: list[tuple[str, str]] = []

    accounts_changed(ids, report=lambda what, exc: reports.append((what, str(exc))))

    assert reports == [("a", f"part with account {ids[0]} failed")]
    rows = _lines(log)
    assert sorted(i for name, *_, part in rows if name == "a" for i in part) == ids
    assert sorted(i for name, *_, part in rows if name == "b" for i in part) == ids


def _dying_step(log):
    """Logs like `_logging_step`, but the worker of the part holding the smallest id dies (as
    when killed or out of memory): no exception reaches the pool, the process is gone."""
    logging_step = _logging_step(log, "a")

    def step(change: AccountsChanged) -> None:
        if min(change.account_ids) == _dying_step.first:
            os._exit(9)
        logging_step(change)

    return step


def test_a_dead_worker_fails_its_runs_first_step_without_waiting_and_the_other_steps_run_here(split, tmp_path):
    log = tmp_path / "steps.log"
    ids, _ = _catalogue()
    _dying_step.first = ids[0]
    follow_ups.register_follow_up(AccountsChanged, what="a", step=_dying_step(log), order=1, parallel=True)
    follow_ups.register_follow_up(AccountsChanged, what="b", step=_logging_step(log, "b"), order=2, parallel=True)
    reports: list[tuple[str, str]] = []

    def waited_too_long(signum, frame):
        raise TimeoutError("the follow-ups waited for a dead worker's part")

    # A pool that waits for the lost part forever fails the test instead of hanging the run.
    previous = signal.signal(signal.SIGALRM, waited_too_long)
    signal.alarm(60)
    try:
        accounts_changed(ids, report=lambda what, exc: reports.append((what, str(exc))))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)

    assert [what for what, _text in reports] == ["a"]
    assert reports[0][1].startswith("a worker process stopped (BrokenProcessPool)")
    # b, split with a, is done again here on every account (the other worker may have done b on
    # its part before the pool stopped it).
    here = [(pid, part) for name, pid, _, _, part in _lines(log) if name == "b" and pid == os.getpid()]
    assert here == [(os.getpid(), ids)]


def test_progress_adds_up_the_parts_and_timings_count_the_workers_cpu(split, tmp_path):
    log = tmp_path / "steps.log"
    follow_ups.register_follow_up(
        AccountsChanged, what="a", step=_logging_step(log, "a", burn=0.15), order=1, parallel=True
    )
    follow_ups.register_follow_up(
        AccountsChanged, what="b", step=_logging_step(log, "b", burn=0.05), order=2, parallel=True
    )
    ids, _ = _catalogue()
    seen: list[tuple[str, int, int]] = []
    timings: dict[str, list[float]] = {}

    started = time.perf_counter()
    accounts_changed(ids, report=lambda what, exc: None, progress=lambda *args: seen.append(args), timings=timings)
    wall_of_run = time.perf_counter() - started

    parts = len([row for row in _lines(log) if row[0] == "a"])
    assert parts >= 2
    for what in ("a", "b"):  # both steps of the run advance as its parts end
        done = [d for name, d, total in seen if name == what and total == len(ids)]
        assert done[0] == 0 and done[-1] == len(ids) and done == sorted(done) and len(set(done)) == parts + 1
    (a_wall, a_cpu), (b_wall, b_cpu) = timings["a"], timings["b"]
    assert a_cpu >= 0.15 * parts and 0.05 * parts <= b_cpu < a_cpu
    # The run's wall, shared by CPU: a, which burnt three times b's CPU, gets most of it.
    assert a_wall > b_wall > 0 and a_wall + b_wall <= wall_of_run


def _announce_from_child(ids: list[int]) -> tuple[int, bool]:
    """In a daemonic billiard process, as an import job in a Celery prefork worker's child."""
    import billiard

    accounts_changed(ids, report=lambda what, exc: None)
    return os.getpid(), billiard.current_process().daemon


def test_the_split_runs_from_a_daemonic_worker_process_as_celerys(split, tmp_path):
    import billiard
    from django.db import connections

    log = tmp_path / "steps.log"
    follow_ups.register_follow_up(AccountsChanged, what="a", step=_logging_step(log, "a"), order=1, parallel=True)
    ids, _ = _catalogue()
    connections.close_all()  # the child opens its own
    pool = billiard.get_context("fork").Pool(1)
    try:
        child, daemonic = pool.apply(_announce_from_child, (ids,))
    finally:
        pool.close()
        pool.join()

    pids = {pid for _, pid, *_ in _lines(log)}
    assert daemonic and len(pids) == 2 and not pids & {child, os.getpid()}
    assert sorted(i for *_, part in _lines(log) for i in part) == ids


def _querying_step(log, name: str):
    """Logs like `_logging_step` after reading its part's accounts again and again: workers that
    shared one inherited connection would break each other's queries."""
    logging_step = _logging_step(log, name)

    def step(change: AccountsChanged) -> None:
        for _ in range(30):
            assert Account.objects.filter(pk__in=change.account_ids).count() == len(change.account_ids)
        logging_step(change)

    return step


def test_workers_never_share_a_connection_the_progress_callback_opened_again(split, tmp_path):
    # An import job's progress callback writes the job's phase to the database, after the
    # parent closed its connections for the fork.
    log = tmp_path / "steps.log"
    follow_ups.register_follow_up(AccountsChanged, what="a", step=_querying_step(log, "a"), order=1, parallel=True)
    follow_ups.register_follow_up(AccountsChanged, what="b", step=_querying_step(log, "b"), order=2, parallel=True)
    ids, _ = _catalogue()
    reports: list[tuple[str, str]] = []

    def progress(what: str, done: int, total: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s", [done])

    accounts_changed(ids, report=lambda what, exc: reports.append((what, str(exc))), progress=progress)

    assert reports == []
    for name in ("a", "b"):
        assert sorted(i for step, *_, part in _lines(log) if step == name for i in part) == ids


def test_inside_a_transaction_every_step_runs_in_this_process(split, tmp_path):
    log = tmp_path / "steps.log"
    follow_ups.register_follow_up(AccountsChanged, what="a", step=_logging_step(log, "a"), order=1, parallel=True)
    ids, _ = _catalogue()

    with transaction.atomic():
        accounts_changed(ids, report=lambda what, exc: pytest.fail(f"{what}: {exc}"))

    assert [(pid, part) for _, pid, _, _, part in _lines(log)] == [(os.getpid(), ids)]


def test_fewer_accounts_than_the_threshold_run_in_this_process(split, settings, tmp_path):
    settings.FOLLOW_UP_PARALLEL_MIN_ACCOUNTS = 100
    log = tmp_path / "steps.log"
    follow_ups.register_follow_up(AccountsChanged, what="a", step=_logging_step(log, "a"), order=1, parallel=True)
    ids, _ = _catalogue()

    accounts_changed(ids, report=lambda what, exc: pytest.fail(f"{what}: {exc}"))

    assert [pid for _, pid, *_ in _lines(log)] == [os.getpid()]


def test_forking_is_refused_with_other_threads_or_one_process():
    assert fork_refusal(1) == "one process asked for"
    assert fork_refusal(2) is None
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert fork_refusal(2) == "other threads are running"
    finally:
        release.set()
        other.join()


def test_the_workers_writes_change_this_process_data_version(split, tmp_path):
    log = tmp_path / "steps.log"
    follow_ups.register_follow_up(AccountsChanged, what="a", step=_logging_step(log, "a"), order=1, parallel=True)
    ids, _ = _catalogue()
    before = data_version("catalogue")

    accounts_changed(ids, report=lambda what, exc: None)

    assert before is not None and data_version("catalogue") != before


def _stored() -> tuple[list, list, list]:
    metrics = [
        {key: value for key, value in row.items() if key not in {"computed_at", "id"}}
        for row in AccountMetrics.objects.order_by("account_id").values()
    ]
    for row in metrics:
        row["vetting"] = {key: value for key, value in (row["vetting"] or {}).items() if key != "computed_at"}
    texts = list(AccountSearchText.objects.order_by("account_id").values_list("account_id", "names", "about", "posts"))
    creators = list(Creator.objects.order_by("pk").values_list("pk", "worst_fake_risk", "worst_risk_level"))
    return metrics, texts, creators


def test_the_real_steps_store_what_one_process_stores(settings, monkeypatch):
    """Search text, metrics and vetting split over two workers, then again in this process."""
    settings.FOLLOW_UP_PARALLEL_MIN_ACCOUNTS = 1
    monkeypatch.setattr(follow_ups, "PART_MIN", 2)
    kept = {"indexing for keyword search", "recomputing metrics", "vetting the accounts"}
    registry = {kind: [r for r in steps if r.what in kept] for kind, steps in follow_ups._registry.items()}
    monkeypatch.setattr(follow_ups, "_registry", registry)
    ids, _ = _catalogue(creators=3, accounts_each=2)
    start = dt.date(2026, 1, 1)
    for n, pk in enumerate(ids):
        record_points(pk, [(start + dt.timedelta(days=day), 10_000 + n * 977 + day**2, 300, 120) for day in range(40)])
        for p in range(6):
            posted = dt.datetime(2026, 2, 1 + 3 * p, 12, tzinfo=dt.UTC)
            PostFactory(
                account_id=pk, posted_at=posted, likes=300 + 41 * n + p, comments=7 + p, caption=f"post {n} {p}"
            )
    as_of = dt.datetime(2026, 2, 20, tzinfo=dt.UTC)
    results = []
    for processes in (2, 1):
        settings.FOLLOW_UP_PROCESSES = processes
        AccountMetrics.objects.all().delete()
        AccountSearchText.objects.all().delete()
        accounts_changed(ids, as_of=as_of, report=lambda what, exc: pytest.fail(f"{what}: {exc}"))
        results.append(_stored())

    split_run, one_process = results
    assert len(split_run[0]) == len(ids) and len(split_run[1]) == len(ids)
    assert all(row["vetting"] and row["risk_level"] for row in split_run[0])
    assert split_run == one_process
