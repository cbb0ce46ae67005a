"""Price and reach ESTIMATES per post and per account, from a documented rate table.

The rate table (default `data/rate_table.json`, another file with the `MONITORING_RATE_TABLE`
setting) gives, per platform and follower tier, a cost range per post in USD and a typical reach
rate (share of followers one post reaches), each with its published sources and the table's
as-of date. From it, for one account:

- reach per post: the account's own median views of recent posts on video platforms when known,
  else followers × the tier's reach-rate range;
- cost per post: the tier's range;
- CPM (cost per 1,000 reached) = cost / reach × 1,000, low = cost_low / reach_high, high =
  cost_high / reach_low, mid = midpoint cost / midpoint reach;
- CPE (cost per engagement) = cost / the median engagements (likes + comments, + saves on
  Xiaohongshu) of recent posts, same low/mid/high construction.

Everything here is an estimate and is labelled so; nothing is a quote.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import InputError
from vetting import messages as m

DEFAULT_TABLE = Path(__file__).resolve().parent / "data" / "rate_table.json"
VIDEO_PLATFORMS = frozenset({"youtube", "tiktok", "douyin", "bilibili"})
LABEL = "estimate"


@dataclass(frozen=True)
class RateTier:
    """One follower tier of one platform."""

    tier: str
    min_followers: int
    max_followers: int | None
    cost_low: float
    cost_high: float
    reach_low: float
    reach_high: float
    open_ended_high: bool = False
    cost_sources: tuple[str, ...] = ()
    reach_sources: tuple[str, ...] = ()
    note: str = ""
    reach_note: str = ""

    def contains(self, followers: int) -> bool:
        return followers >= self.min_followers and (self.max_followers is None or followers < self.max_followers)


@dataclass(frozen=True)
class PlatformRates:
    basis: str
    tiers: tuple[RateTier, ...]


@dataclass(frozen=True)
class RateTable:
    """A loaded, validated rate table."""

    name: str
    as_of: str
    currency: str
    disclaimer: str
    path: str
    sources: dict[str, dict[str, Any]]
    platforms: dict[str, PlatformRates]
    raw: dict[str, Any] = field(repr=False, default_factory=dict)

    def describe(self) -> dict[str, Any]:
        """Name, date, sources and disclaimer, for display beside every estimate."""
        return {
            "name": self.name,
            "as_of": self.as_of,
            "currency": self.currency,
            "disclaimer": self.disclaimer,
            "path": self.path,
            "sources": list(self.sources.values()),
        }


def _number(value: object, source: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise InputError("must be a non-negative number", source=source, location=where)
    return float(value)


def _pair(value: object, source: str, where: str) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        raise InputError("must be a [low, high] pair", source=source, location=where)
    low, high = _number(value[0], source, f"{where}[0]"), _number(value[1], source, f"{where}[1]")
    if low > high:
        raise InputError(f"low {low:g} is above high {high:g}", source=source, location=where)
    return low, high


def parse_rate_table(raw: object, *, source: str) -> RateTable:
    """Validate a rate table's data; errors name the file and the JSON path of the bad field."""
    if not isinstance(raw, dict):
        raise InputError("must be a JSON object", source=source)
    for key in ("as_of", "sources", "platforms"):
        if key not in raw:
            raise InputError("is missing", source=source, location=key)
    sources: dict[str, dict[str, Any]] = {}
    if not isinstance(raw["sources"], list) or not raw["sources"]:
        raise InputError("must be a non-empty list", source=source, location="sources")
    for i, entry in enumerate(raw["sources"]):
        if not isinstance(entry, dict) or not entry.get("id") or not (entry.get("url") or entry.get("title")):
            raise InputError("needs an id and a url or title", source=source, location=f"sources[{i}]")
        sources[str(entry["id"])] = entry
    if not isinstance(raw["platforms"], dict) or "default" not in raw["platforms"]:
        raise InputError("must be an object with a 'default' entry", source=source, location="platforms")
    platforms: dict[str, PlatformRates] = {}
    for name, spec in raw["platforms"].items():
        where = f"platforms.{name}"
        if not isinstance(spec, dict) or not isinstance(spec.get("tiers"), list) or not spec["tiers"]:
            raise InputError("needs a non-empty 'tiers' list", source=source, location=where)
        tiers = []
        for i, t in enumerate(spec["tiers"]):
            tw = f"{where}.tiers[{i}]"
            if not isinstance(t, dict) or not t.get("tier"):
                raise InputError("needs a 'tier' name", source=source, location=tw)
            cost = _pair(t.get("cost_per_post_usd"), source, f"{tw}.cost_per_post_usd")
            reach = _pair(t.get("reach_rate"), source, f"{tw}.reach_rate")
            if reach[1] > 1:
                raise InputError("is a share of followers, at most 1", source=source, location=f"{tw}.reach_rate")
            cost_sources = tuple(t.get("cost_sources") or ())
            reach_sources = tuple(t.get("reach_sources") or ())
            unknown = [s for s in (*cost_sources, *reach_sources) if s not in sources]
            if unknown:
                raise InputError(f"names unknown source(s) {', '.join(unknown)}", source=source, location=tw)
            if not cost_sources:
                raise InputError(
                    "must cite at least one source for its cost", source=source, location=f"{tw}.cost_sources"
                )
            max_f = t.get("max_followers")
            tiers.append(
                RateTier(
                    tier=str(t["tier"]),
                    min_followers=int(_number(t.get("min_followers", 0), source, f"{tw}.min_followers")),
                    max_followers=None if max_f is None else int(_number(max_f, source, f"{tw}.max_followers")),
                    cost_low=cost[0],
                    cost_high=cost[1],
                    reach_low=reach[0],
                    reach_high=reach[1],
                    open_ended_high=bool(t.get("open_ended_high", False)),
                    cost_sources=cost_sources,
                    reach_sources=reach_sources,
                    note=str(t.get("note", "")),
                    reach_note=str(t.get("reach_note", "")),
                )
            )
        tiers.sort(key=lambda x: x.min_followers)
        for a, b in zip(tiers, tiers[1:], strict=False):
            if a.max_followers != b.min_followers:
                raise InputError(
                    f"tiers {a.tier} and {b.tier} leave a gap or overlap ({a.max_followers} vs {b.min_followers})",
                    source=source,
                    location=where,
                )
        platforms[str(name)] = PlatformRates(basis=str(spec.get("basis", "")), tiers=tuple(tiers))
    return RateTable(
        name=str(raw.get("name", "rate table")),
        as_of=str(raw["as_of"]),
        currency=str(raw.get("currency", "USD")),
        disclaimer=str(raw.get("disclaimer", "")),
        path=source,
        sources=sources,
        platforms=platforms,
        raw=raw,
    )


def load_rate_table(path: str | Path | None = None) -> RateTable:
    """Read and validate the rate table at `path` (default: the bundled table)."""
    path = Path(path) if path else DEFAULT_TABLE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError("rate table file not found", source=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"is not valid JSON: {exc.msg}", source=str(path), location=f"line {exc.lineno}") from exc
    return parse_rate_table(raw, source=str(path))


def tier_for(table: RateTable, platform: str, followers: int) -> tuple[RateTier, str, str]:
    """(tier, basis, table entry used) for an account; unknown platforms use 'default'."""
    key = platform if platform in table.platforms else "default"
    rates = table.platforms[key]
    basis = rates.basis if key == platform else f"{table.platforms['default'].basis} — {platform} has no entry"
    for tier in rates.tiers:
        if tier.contains(followers):
            return tier, basis, key
    return (rates.tiers[0] if followers < rates.tiers[0].min_followers else rates.tiers[-1]), basis, key


def ratio_range(cost_low: float, cost_high: float, base_low: float, base_high: float, scale: float) -> dict[str, Any]:
    """cost / base × scale as {low, mid, high}: low = cost_low / base_high, high = cost_high /
    base_low, mid from the midpoints (module docstring); all None when a base is not positive."""
    if base_low <= 0 or base_high <= 0:
        return {"low": None, "mid": None, "high": None}
    mid = ((cost_low + cost_high) / 2) / ((base_low + base_high) / 2) * scale
    return {
        "low": round(cost_low / base_high * scale, 4),
        "mid": round(mid, 4),
        "high": round(cost_high / base_low * scale, 4),
    }


def estimate_account(
    table: RateTable,
    *,
    platform: str,
    followers: int,
    median_views: float | None = None,
    median_engagements: float | None = None,
) -> dict[str, Any]:
    """Estimated reach, cost per post, CPM and CPE of one account, with the basis of each figure."""
    tier, basis, key = tier_for(table, platform, followers)
    if platform in VIDEO_PLATFORMS and median_views:
        reach_low = reach_high = float(median_views)
        reach_basis = "median views of recent posts"
        reach_message = m.REACH_BASIS_VIEWS()
    else:
        reach_low, reach_high = followers * tier.reach_low, followers * tier.reach_high
        reach_basis = f"followers × reach rate {tier.reach_low:.0%}–{tier.reach_high:.0%} of the {tier.tier} tier"
        reach_message = m.REACH_BASIS_RATE(low=tier.reach_low, high=tier.reach_high, tier=tier.tier)
        if tier.reach_note:
            reach_basis += f" ({tier.reach_note})"
    cpe: dict[str, Any]
    if median_engagements and median_engagements > 0:
        cpe = ratio_range(tier.cost_low, tier.cost_high, median_engagements, median_engagements, 1.0)
        cpe["basis"] = "cost per post / median engagements of recent posts"
        cpe["basis_message"] = m.CPE_BASIS().as_dict()
    else:
        cpe = {
            "low": None,
            "mid": None,
            "high": None,
            "basis": "no engagement figures for recent posts",
            "basis_message": m.CPE_NONE().as_dict(),
        }
    cpm = ratio_range(tier.cost_low, tier.cost_high, reach_low, reach_high, 1000.0)
    cpm["basis"] = "cost per post / estimated reach × 1,000"
    cpm["basis_message"] = m.CPM_BASIS().as_dict()
    return {
        "label": LABEL,
        "platform": platform,
        "followers": followers,
        "tier": tier.tier,
        "rate_entry": key,
        "basis": basis,
        # `basis` in English (the API's field), `basis_message` for the faces (core.messages).
        "reach_per_post": {
            "low": round(reach_low),
            "high": round(reach_high),
            "basis": reach_basis,
            "basis_message": reach_message.as_dict(),
        },
        "cost_per_post_usd": {
            "low": tier.cost_low,
            "high": tier.cost_high,
            "open_ended_high": tier.open_ended_high,
            "note": tier.note,
            "sources": list(tier.cost_sources),
        },
        "cpm_usd": cpm,
        "cpe_usd": cpe,
        "engagements_per_post": median_engagements,
        "reach_sources": list(tier.reach_sources),
    }
