"""The import follow-up (search text, metrics, vetting) run again over an imported catalogue:
timed per step, and its stored outputs dumped so that two versions of the code can be compared.

Take the SQLite database of `bench/import_bench.py --real-shape --keep` (it prints the folder
it kept), and run this from the root of each checkout to compare, on a copy of that database:

    python bench/import_followup_check.py /tmp/vetted-bench-import-XXXX/var/vetted.sqlite3 --dump a.json
    (cd ../other-checkout && python /path/to/import_followup_check.py DB --dump b.json)
    cmp a.json b.json

The dump holds every AccountMetrics row (vetting report included) and every AccountSearchText row,
sorted, without the times of the computation (`computed_at`, the metrics' `as_of`: now). JSON
columns are dumped as the values they read back as, in their key order, not as their stored text:
the reports are written compact by orjson, the other JSON columns by the standard library.
The copy is migrated to the checkout's schema first. The search texts and the metrics rows are
deleted first, so the steps write every row as after a first import. The creators' worst risk
(kept by triggers from their accounts' metrics) is dumped too.

By default each step is called once over every account, in this process; with --announce the
steps run as after an import (`influencers.follow_ups.announce`: split over FOLLOW_UP_PROCESSES
forked workers when at least FOLLOW_UP_PARALLEL_MIN_ACCOUNTS accounts changed), so the two
dumps of one checkout compare the split run with the single-process one. With --lock-waits
(SQLite) each process's waits for the write lock are printed: the split steps' workers write
one at a time, and what a worker does inside its transactions makes the other wait.

`--step WHAT` stops after the first step whose name holds WHAT ("vetting", "metrics", "search"):
the steps before it still run, so it sees what they stored. That step is called through
`sys.call_tracing`, which nothing else calls, so that valgrind counts its instructions alone,
exact whatever else the machine does (wall and CPU seconds on these shared machines drift by
±30 % from hour to hour):

    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=sys_call_tracing \
        python bench/import_followup_check.py DB --step vetting

With `--profile tottime|cumulative` it is profiled by cProfile instead (the top 40 functions).

On PostgreSQL, name the imported database by URL instead of a file: the check runs on a copy
made from it as a template (`<name>_followup_check`, dropped at the end; nothing may be
connected to the original while it is copied):

    python bench/import_followup_check.py postgres://postgres@127.0.0.1:5432/vetted_rs5k --dump a.json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from import_bench import drop_database, server_and_name  # this folder: the bench's PostgreSQL helpers

# The times of the computation (the report's, and the metrics' cut-off, by default now).
_COMPUTED_AT = re.compile(r'"(computed_at|as_of)": "\d{4}-\d\d-\d\dT[^"]*"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "database", help="an imported SQLite database file or PostgreSQL URL (left as it is: a copy is used)"
    )
    parser.add_argument("--dump", type=Path, help="write the stored outputs here (sorted JSON)")
    parser.add_argument("--announce", action="store_true", help="run the steps as an import does (see above)")
    parser.add_argument(
        "--lock-waits",
        action="store_true",
        help="SQLite: time each transaction's BEGIN IMMEDIATE (the wait for the write lock) in every process",
    )
    parser.add_argument("--step", help="run the steps up to the first whose name holds this; measure that one alone")
    parser.add_argument(
        "--profile", choices=["tottime", "cumulative"], help="with --step: profile that step (cProfile), sorted so"
    )
    args = parser.parse_args()
    if args.profile and not args.step:
        parser.error("--profile needs --step")

    workdir = Path(tempfile.mkdtemp(prefix="vetted-followup-check-"))
    os.environ.pop("DATABASE_URL", None)
    os.environ["VETTED_VAR_DIR"] = str(workdir)
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["DEBUG"] = "false"
    copy_url = None
    if args.database.startswith("postgres"):
        copy_url = _copy_postgres(args.database)
        os.environ["DATABASE_URL"] = copy_url
    else:
        shutil.copy(args.database, workdir / "vetted.sqlite3")
    # The code of the checkout this is run from (not necessarily the one holding this file).
    sys.path.insert(0, os.getcwd())
    try:
        import django

        django.setup()
        from django.db import connection

        from influencers import follow_ups
        from influencers.models import Account, AccountMetrics, AccountSearchText, Creator

        assert copy_url or (connection.vendor == "sqlite" and str(workdir) in str(connection.settings_dict["NAME"]))
        # The copy in this checkout's schema (a database kept by an older checkout may lack migrations).
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        waits = workdir / "lock-waits"
        if args.lock_waits and not copy_url:
            _time_lock_waits(waits)
        # As after a first import: no search text and no metrics row yet.
        AccountSearchText.objects.all().delete()
        AccountMetrics.objects.all().delete()
        ids = tuple(Account.objects.order_by("pk").values_list("pk", flat=True))
        change = follow_ups.AccountsChanged(account_ids=ids, reason="import")
        total_wall, total_cpu = 0.0, 0.0
        steps: dict[str, list[float]] = {}
        if args.announce:
            follow_ups.announce(change, report=lambda what, exc: print(f"{what} FAILED: {exc}"), timings=steps)
        elif args.step:
            _run_up_to(follow_ups._registry[follow_ups.AccountsChanged], change, args.step, args.profile, steps)
        else:
            for registration in follow_ups._registry[follow_ups.AccountsChanged]:
                started, cpu_started = time.perf_counter(), time.process_time()
                registration.step(change)
                steps[registration.what] = [time.perf_counter() - started, time.process_time() - cpu_started]
        for what, (wall, cpu) in steps.items():
            total_wall, total_cpu = total_wall + wall, total_cpu + cpu
            if cpu > 0.01:
                print(f"{what}: {wall:.2f} s wall, {cpu:.2f} s CPU → {len(ids) / cpu:,.0f} accounts/CPU-s")
        print(
            f"follow-up of {len(ids):,} accounts: {total_wall:.2f} s wall → {len(ids) / total_wall:,.0f} accounts/s; "
            f"{total_cpu:.2f} s CPU → {len(ids) / total_cpu:,.0f} accounts/CPU-s; load {os.getloadavg()[0]:.1f}"
        )
        if args.lock_waits and not copy_url:
            _print_lock_waits(waits)
        if args.dump:
            # Every column as the database holds it, but the computation's times; JSON columns as
            # the values they read back as (key order included), whatever the spacing of the text.
            fields = [f for f in AccountMetrics._meta.concrete_fields if f.attname != "computed_at"]
            columns = [str(f.column) for f in fields]
            # By class name: the checkout compared may predate core.fields.JSONTextField.
            is_json = [type(f).__name__ in ("JSONField", "JSONTextField") for f in fields]
            quote = connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {', '.join(map(quote, columns))} FROM {quote(AccountMetrics._meta.db_table)} "
                    "ORDER BY account_id"
                )
                metrics = [
                    [
                        _COMPUTED_AT.sub("", json.dumps(_json(v), ensure_ascii=False)) if json_column and v else v
                        for v, json_column in zip(row, is_json, strict=True)
                    ]
                    for row in cursor.fetchall()
                ]
            texts = list(
                AccountSearchText.objects.order_by("account_id").values_list("account_id", "names", "about", "posts")
            )
            creators = list(Creator.objects.order_by("pk").values_list("pk", "worst_fake_risk", "worst_risk_level"))
            with args.dump.open("w", encoding="utf-8") as out:
                json.dump(
                    {"columns": columns, "metrics": metrics, "search": texts, "creators": creators},
                    out,
                    default=str,
                    ensure_ascii=False,
                )
                out.write("\n")
            print(f"dumped {len(metrics):,} metrics rows and {len(texts):,} search texts to {args.dump}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if copy_url:
            drop_database(copy_url)


def _run_up_to(
    registrations: list, change: object, wanted: str, profile: str | None, steps: dict[str, list[float]]
) -> None:
    """The steps up to the first whose name holds `wanted`; that one timed (through
    `sys.call_tracing`: see the module's note), or profiled."""
    for registration in registrations:
        if wanted not in registration.what:
            registration.step(change)
            continue
        started, cpu_started = time.perf_counter(), time.process_time()
        if profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(registration.step, change)
            pstats.Stats(profiler).sort_stats(profile).print_stats(40)
        else:
            sys.call_tracing(registration.step, (change,))
        steps[registration.what] = [time.perf_counter() - started, time.process_time() - cpu_started]
        return
    raise SystemExit(f"no follow-up step's name holds {wanted!r}: {[r.what for r in registrations]}")


def _time_lock_waits(folder: Path) -> None:
    """Time every transaction's start on SQLite (BEGIN IMMEDIATE: the wait for the write lock
    while another process holds it), one line per start in a file per process (forked workers
    inherit the patch)."""
    from django.db import connections

    folder.mkdir()
    wrapper = type(connections["default"])  # the settings' backend (a subclass of Django's)
    begin = wrapper._start_transaction_under_autocommit

    def timed(self: object) -> None:
        started = time.perf_counter()
        begin(self)
        with (folder / str(os.getpid())).open("a") as out:
            out.write(f"{time.perf_counter() - started:.6f}\n")

    wrapper._start_transaction_under_autocommit = timed


def _print_lock_waits(folder: Path) -> None:
    for path in sorted(folder.iterdir()):
        waits = [float(line) for line in path.read_text().split()]
        print(
            f"process {path.name}: {len(waits)} transactions, waited {sum(waits):.3f} s for the write lock "
            f"(longest {max(waits):.3f} s)"
        )


def _copy_postgres(url: str) -> str:
    """A copy of the database `url` names (CREATE DATABASE … TEMPLATE); returns its URL."""
    import psycopg
    from psycopg import sql

    server, name = server_and_name(url)
    copy = f"{name}_followup_check"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(copy)))
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(copy), sql.Identifier(name)))
    return url.rsplit("/", 1)[0] + f"/{copy}"


def _json(value: object) -> object:
    """A JSON column's value: SQLite gives its text, psycopg the decoded value."""
    return json.loads(value) if isinstance(value, str) else value


if __name__ == "__main__":
    main()
