"""Matching (or discovery) responses byte for byte before and after a change, and their time per request.

    python bench/match_same_json.py record OUT.json   # the JSON of ~12 varied matching requests
    python bench/match_same_json.py check OUT.json    # the same requests again: exit 1 on any JSON value changed
    python bench/match_same_json.py time [N]          # ms per warm request (N rounds of the requests)
    python bench/match_same_json.py time [N] --rendered-anew   # each row's reasons rendered anew
    python bench/match_same_json.py record OUT.json --discovery   # ~30 discovery requests instead

Discovery requests: 24 of api_load.varied_discovery (a fixed seed) plus keyword, brand, name-sort,
Chinese and invalid-filter ones, so both the in-memory columns and the database path answer some
(the script waits for the columns when they are on: CACHE_URL set, DISCOVERY_COLUMNS).

`--rendered-anew` empties the API's rendering memo (api/renderings.py) before each request: the
CPU of a page whose rows were not rendered before in its language.

Runs against the catalogue of DATABASE_URL (e.g. the 100k bench catalogue, read only) as the
organisation of the oldest API token, with the response cache off, through the Django test client
(middleware, view, serializer and JSON rendering included). Requests vary the brand (with and
without exclusions and competitors), weights, filters, limit and offset. Prints one BENCH line in
`time` mode.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("API_RESPONSE_CACHE_SECONDS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django

django.setup()

from django.test import Client  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from api import renderings  # noqa: E402
from core.models import Membership  # noqa: E402
from vetting.models import Brand  # noqa: E402


def requests() -> tuple[Client, list[str]]:
    if "--discovery" in sys.argv:
        return discovery_requests()
    token = Token.objects.select_related("user").order_by("created").first()
    if token is None:
        sys.exit("no API token in this database")
    org = Membership.objects.filter(user=token.user).values_list("organization_id", flat=True).first()
    brands = list(Brand.objects.filter(organization_id=org).order_by("pk").values_list("pk", flat=True))
    if not brands:
        sys.exit("no brand in the token's organisation")
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_HOST="localhost")
    first, second, third = (brands * 3)[:3]
    paths = [f"/api/brands/{b}/matches/" for b in brands[:4]] + [
        f"/api/brands/{first}/matches/?w_audience=0.3&platform=instagram",
        f"/api/brands/{first}/matches/?offset=50&limit=20",
        f"/api/brands/{first}/matches/?w_authenticity=0&w_engagement=2&country=CN&country=TW",
        f"/api/brands/{second}/matches/?language=zh&max_risk=0.5&include_unvetted=true",
        f"/api/brands/{second}/matches/?min_followers=100000&max_followers=2000000&limit=10",
        f"/api/brands/{third}/matches/?w_value=3&platform=tiktok&platform=xiaohongshu",
        f"/api/brands/{third}/matches/?offset=1000&limit=5",
        f"/api/brands/{brands[-1]}/matches/?max_risk=0.3",
        f"/api/brands/{first}/matches/?lang=zh-hans",
        f"/api/brands/{second}/matches/?limit=20&lang=zh-hans",
    ]
    return client, paths


def discovery_requests() -> tuple[Client, list[str]]:
    import random

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import api_load

    from influencers.selectors import discovery_columns

    token = Token.objects.select_related("user").order_by("created").first()
    if token is None:
        sys.exit("no API token in this database")
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_HOST="localhost")
    rng = random.Random(20)
    paths = [api_load.varied_discovery(rng) for _ in range(24)] + [
        "/api/creators/?q=beauty",
        "/api/creators/?q=美妆&platform=xiaohongshu",
        "/api/creators/?worked_with=Nike&sort=-engagement_rate",
        "/api/creators/?sort=name&page=3",
        "/api/creators/?sort=-created",
        "/api/creators/?min_followers=100000&lang=zh-hans",
        "/api/creators/?platform=tiktok&risk_level=low&page=2&lang=zh-hans",
        "/api/creators/?min_followers=abc",
        "/api/creators/?audience_country=C1&lang=zh-hans",
    ]
    client.get(paths[0])  # starts building the columns (in the background)
    started = time.perf_counter()
    while discovery_columns.columns_enabled() and discovery_columns.current_columns() is None:
        if time.perf_counter() - started > 300:
            sys.exit("the discovery columns were not built in 300 s")
        time.sleep(0.5)
    return client, paths


def get(client: Client, path: str) -> Any:
    """The response to `path`; "lang=zh-hans" in it asks for Chinese (Accept-Language)."""
    if "lang=" in path:
        path, _, language = path.partition("&lang=") if "&lang=" in path else path.partition("?lang=")
        return client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    return client.get(path)


def main() -> None:
    args = [arg for arg in sys.argv if not arg.startswith("--")]
    mode = args[1] if len(args) > 1 else "time"
    client, paths = requests()
    if mode in ("record", "check"):
        got = {}
        for path in paths:
            response = get(client, path)
            got[path] = [response.status_code, response.content.decode()]
        if mode == "record":
            with open(args[2], "w") as out:
                json.dump(got, out)
            print(f"recorded {len(got)} responses to {args[2]}")
            return
        with open(args[2]) as f:
            want = json.load(f)
        changed = [p for p in paths if want.get(p) != got[p]]
        # Bytes may differ where the JSON does not (a number's spelling: 1e-05 and 1e-5).
        values = [
            p for p in changed if want.get(p, [None])[0] != got[p][0] or json.loads(want[p][1]) != json.loads(got[p][1])
        ]
        for path in changed:
            print("CHANGED" if path in values else "SPELLING ONLY (same JSON value)", path)
        print(
            f"{len(paths) - len(changed)}/{len(paths)} responses identical byte for byte, "
            f"{len(paths) - len(values)} as JSON values"
        )
        sys.exit(1 if values else 0)
    rounds = int(args[2]) if len(args) > 2 else 2
    for path in paths:  # warm: feature memo, snapshot, translations
        client.get(path)
    times = []
    anew = "--rendered-anew" in sys.argv
    cpu0 = time.process_time()
    for _ in range(rounds):
        for path in paths:
            if anew:
                renderings.row_reasons.clear()
            start = time.perf_counter()
            get(client, path)
            times.append((time.perf_counter() - start) * 1000)
    cpu = (time.process_time() - cpu0) * 1000 / len(times)
    times.sort()
    result = {
        "requests": len(times),
        "mean_ms": round(sum(times) / len(times), 1),
        "p50_ms": round(times[len(times) // 2], 1),
        "cpu_ms_per_request": round(cpu, 1),
        "load": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result))
    metric = "discovery_warm_request" if "--discovery" in sys.argv else "matching_warm_request"
    metric += "_rendered_anew" if anew else ""
    print("BENCH " + json.dumps({"metric": metric, **result}))


if __name__ == "__main__":
    main()
