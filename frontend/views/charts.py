"""Chart payloads for Chart.js (rendered by static/frontend/js/app.js from json_script tags).
Formatting only: dates to ISO strings, series aligned to labels."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _


def growth_chart(series: Iterable[Mapping[str, Any]], anomalies: Iterable[Mapping[str, Any]]) -> dict[str, Any] | None:
    """Followers per snapshot date, with anomaly markers placed on the dates they happened."""
    points = list(series)
    if not points:
        return None
    dates = [str(p["date"]) for p in points]
    date_set = set(dates)
    marked = []
    for anomaly in anomalies:
        date = str(anomaly.get("date", ""))[:10]
        if date in date_set:
            marked.append({"date": date, "label": str(anomaly.get("label") or _("Growth anomaly"))})
    return {
        "dates": dates,
        "followers": [p["followers"] for p in points],
        "anomalies": marked,
        "label": _("Followers"),
        "anomalyLabel": _("Anomaly"),
    }


def engagement_chart(posts: list[Mapping[str, Any]]) -> dict[str, Any] | None:
    """Likes and comments per post by posting date (newest ~30 posts)."""
    if not posts:
        return None
    labels = [p["posted_at"].date().isoformat() for p in posts]
    return {
        "type": "bar",
        "labels": labels,
        "datasets": [
            {"label": _("Likes"), "data": [p["likes"] for p in posts], "stack": "s"},
            {"label": _("Comments"), "data": [p["comments"] for p in posts], "stack": "s"},
        ],
        "sponsored": [bool(p.get("is_sponsored")) for p in posts],
    }


GENDER_COLOURS = {"female": "#ec4899", "male": "#6366f1", "other": "#14b8a6"}


def audience_charts(audience: Any) -> dict[str, Any]:
    """Age (bars) and gender (doughnut) payloads of an AudienceProfile; {} without one."""
    if audience is None:
        return {}
    charts: dict[str, Any] = {}
    if audience.age:
        # Age bands read left to right in their natural order, not by size.
        bands = sorted(audience.age.items(), key=lambda kv: kv[0])
        charts["age"] = {
            "type": "bar",
            "percent": True,
            "labels": [k for k, _v in bands],
            "datasets": [{"label": _("Share of audience"), "data": [v for _k, v in bands]}],
        }
    if audience.gender:
        names = {"female": _("Female"), "male": _("Male"), "other": _("Other")}
        # One order and one colour per gender on every creator page, whatever the shares.
        order = [k for k in GENDER_COLOURS if k in audience.gender] + [
            k for k in audience.gender if k not in GENDER_COLOURS
        ]
        charts["gender"] = {
            "labels": [names.get(k, k) for k in order],
            "values": [audience.gender[k] for k in order],
            "colours": [GENDER_COLOURS.get(k, "#94a3b8") for k in order],
        }
    return charts
