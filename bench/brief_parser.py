"""How well the brief parser reads its corpus (tests/vetting/briefs_corpus.py): per field, per
language, and whole briefs exactly.

usage:
  python bench/brief_parser.py            the table, the misses, and BENCH lines
  python bench/brief_parser.py --quiet    the table and BENCH lines only

Fields: `filters` (the discovery parameters, the issue's "exact-filter accuracy"),
`target_audience`, `excluded_brands`, `excluded_topics`, `unknown`; `exact` is a brief whose five
fields are all as expected. Notes are explanations and are not scored.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.vetting.briefs_corpus import CORPUS, TODAY
from vetting.briefs.parser import parse_brief

FIELDS = ("filters", "target_audience", "excluded_brands", "excluded_topics", "unknown")


def score(cases=CORPUS) -> dict:
    """{"rows": [(case, parsed, {field: ok})], "by": {language: {field: share}}} over `cases`."""
    rows = []
    for case in cases:
        parsed = parse_brief(case.text, today=TODAY).as_dict()
        ok = {name: parsed[name] == getattr(case, name) for name in FIELDS}
        ok["exact"] = all(ok.values())
        rows.append((case, parsed, ok))
    by: dict[str, dict[str, float]] = {}
    for language in ("zh", "en", "all"):
        chosen = [ok for case, _, ok in rows if language == "all" or case.language == language]
        by[language] = {name: sum(ok[name] for ok in chosen) / len(chosen) for name in (*FIELDS, "exact")}
        by[language]["n"] = len(chosen)
    return {"rows": rows, "by": by}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    cold = time.perf_counter()
    result = score()
    cold = time.perf_counter() - cold  # includes compiling the patterns once
    warm = time.perf_counter()
    score()
    elapsed = time.perf_counter() - warm
    by = result["by"]
    print(f"brief parser on {by['all']['n']:.0f} briefs ({by['zh']['n']:.0f} Chinese, {by['en']['n']:.0f} English)")
    print(f"{'field':<18}{'zh':>8}{'en':>8}{'all':>8}")
    for name in (*FIELDS, "exact"):
        print(f"{name:<18}" + "".join(f"{100 * by[lang][name]:>7.1f}%" for lang in ("zh", "en", "all")))
    print(f"{1000 * elapsed / by['all']['n']:.2f} ms per brief (first run, compiling the patterns: {cold:.2f} s)")
    if not args.quiet:
        for case, parsed, ok in result["rows"]:
            if ok["exact"]:
                continue
            print(f"\nmiss {case.id}: {case.text}")
            for name in FIELDS:
                if not ok[name]:
                    print(f"  {name}: expected {json.dumps(getattr(case, name), ensure_ascii=False)}")
                    print(f"  {' ' * len(name)}  got      {json.dumps(parsed[name], ensure_ascii=False)}")
    for name in (*FIELDS, "exact"):
        value = round(100 * by["all"][name], 1)
        print(
            "BENCH " + json.dumps({"metric": f"brief parser: {name}", "value": value, "unit": "%", "better": "higher"})
        )


if __name__ == "__main__":
    main()
