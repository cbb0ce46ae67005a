"""The PDF vetting report an agency sends its client: a cover (client brand, shortlist, date,
language, how to read the figures), a summary table of every creator, then a page (or more) per
creator with the growth chart, the risk breakdown as sentences and small tables, the audience,
the match, top and sponsored posts, the fee estimate and the shortlist notes.

Written with WeasyPrint from a Django template (`vetting/export/report.html`), so the report is
worded by the same i18n machinery as the web pages and lays out Chinese and English text, long
notes and tables that run over pages (headers repeat) without hand-placed coordinates. Every
glyph comes from one embedded font shipped by a PyPI package (Noto Sans SC, `pylopdf_fonts_zh_cn`),
so poppler, Chromium and Acrobat draw the same letters and nothing is downloaded or looked up on
the machine: the URL fetcher serves that font file and nothing else, and characters the font
lacks (emoji) are left out rather than drawn as boxes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from core.messages import compact_number, label, render_message
from vetting import messages as m
from vetting.scoring.engagement import er_formula_message
from vetting.services.exports.method import method_lines
from vetting.services.exports.overlap import pdf_overlap
from vetting.services.exports.rows import ExportContext, ExportRow

FONT_FAMILY = "VettedSans"
TEMPLATE = "vetting/export/report.html"
# Characters the font may lack and what they read as in plain text.
_FALLBACKS = {"\u2212": "-", "\u2248": "~", "\u2026": "...", "\u2009": " ", "\u202f": " ", "\u00a0": " "}


def font_path() -> Path:
    """Noto Sans SC (Simplified Chinese, with Latin, digits and the usual symbols), from the
    pylopdf-fonts-zh-cn package (requirements.txt): no system font, no download."""
    import pylopdf_fonts_zh_cn

    return Path(pylopdf_fonts_zh_cn.sans_path())


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(font_path()), lazy=True) as font:
        return frozenset(font.getBestCmap())


def printable(text: str) -> str:
    """`text` with only the characters the embedded font can draw (no missing-glyph boxes)."""
    covered = _covered()
    out = []
    for ch in text:
        if ord(ch) in covered or ch in "\n\r\t":
            out.append(ch)
        elif ch in _FALLBACKS:
            out.append(_FALLBACKS[ch])
    return "".join(out)


def _weasyprint_html() -> Any:
    """WeasyPrint's HTML class. Importing WeasyPrint sets Pillow's global LOAD_TRUNCATED_IMAGES;
    the flag is put back at once, so a worker that wrote a PDF still refuses truncated uploads
    (core.services.media) — the report itself draws no raster image."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return HTML


def _font_only_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves the report's font and nothing else: a report never
    fetches anything (no network, no local file named in a note or a caption)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FontOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            font = font_path()
            if url == font.as_uri():
                return URLFetcherResponse(url, body=font.read_bytes(), headers={"Content-Type": "font/otf"})
            raise ValueError(f"the PDF report fetches nothing but its font, not {url[:80]}")

    return FontOnlyFetcher(allowed_protocols=("file",))


# --- formatting helpers (the template's values) --------------------------------------------------------


def _pct(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


def _score(value: Any) -> str:
    return "—" if value is None else f"{round(float(value) * 100)}"


def _words(value: Any) -> str:
    return render_message(value) if value not in (None, "") else ""


def _fee(values: dict[str, Any]) -> str:
    low, high = values.get("est_cost_min_usd"), values.get("est_cost_max_usd")
    if low is None or high is None:
        return "—"
    template = m.USD_RANGE_OPEN if values.get("est_cost_open_ended") else m.USD_RANGE
    return render_message(template(low=low, high=high))


def _er_short(platform: str) -> str:
    from influencers.metrics.engagement import er_definition

    if not platform:
        return ""
    definition = er_definition(platform)
    return render_message(m.ER_FORMULA_SHORT(counts=list(definition.counts), base=definition.denominator))


def _risk_lines(row: ExportRow) -> list[str]:
    """The creator-level verdict in words, and the accounts without a verdict of their own."""
    risk = row.risk
    if risk is None or not risk.level:
        return [render_message(m.NOT_VETTED_YET())]
    lines = []
    if risk.account is not None:
        account = m.ACCOUNT(platform=risk.account.platform, handle=risk.account.handle)
        if risk.risk is not None:
            lines.append(
                render_message(
                    m.CREATOR_RISK_LINE_SCORE(
                        level=risk.level,
                        score=risk.risk * 100,
                        account=account,
                        confidence=risk.confidence or 0.0,
                    )
                )
            )
        else:
            lines.append(render_message(m.CREATOR_RISK_LINE(level=risk.level, account=account)))
    if risk.without_verdict:
        lines.append(
            render_message(
                m.WITHOUT_VERDICT(
                    accounts=[
                        m.ACCOUNT_LEVEL(platform=a.platform, handle=a.handle, level=a.level or "")
                        for a in risk.without_verdict
                    ]
                )
            )
        )
    return lines


def _signal_value(signal: dict[str, Any]) -> str:
    if signal.get("value_text"):
        return _words(signal["value_text"])
    value = signal.get("value")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _pct(value) if -1 <= value <= 1 else f"{value:,.1f}"
    return "—"  # a report from before messages: its structured value is not shown raw


def _signals(report: dict[str, Any]) -> list[dict[str, Any]]:
    risk = report.get("risk") if isinstance(report.get("risk"), dict) else {}
    out = []
    for s in (risk or {}).get("signals") or []:
        if not isinstance(s, dict):
            continue
        available = s.get("risk") is not None
        out.append(
            {
                "name": label("signal", s.get("name", "")),
                "available": available,
                "level": s.get("level") or "",
                "level_label": label("risk_level", s.get("level") or ""),
                "value": _signal_value(s) if available else "—",
                "points": s.get("points") if available else None,
                "explanation": _words(s.get("explanation")),
                "benchmark": _words(s.get("benchmark")),
                "evidence": [_words(line) for line in (s.get("evidence_lines") or [])[:3]],
            }
        )
    return out


def _report_lines(report: dict[str, Any]) -> dict[str, Any]:
    risk = report.get("risk") if isinstance(report.get("risk"), dict) else {}
    risk = risk or {}
    combination = (risk.get("combination") or {}).get("text")
    evidence = risk.get("evidence") or {}
    rule = ""
    if evidence:
        if evidence.get("met"):
            rule = render_message(
                m.EVIDENCE_MET(
                    rule=evidence.get("rule") or "breadth",
                    confidence=evidence.get("confidence") or 0.0,
                    kinds=list(evidence.get("kinds") or []),
                )
            )
        else:
            rule = render_message(
                m.EVIDENCE_NOT_MET(
                    confidence=evidence.get("confidence") or 0.0,
                    kinds=list(evidence.get("kinds") or []),
                    min_confidence=evidence.get("min_confidence") or 0.35,
                    min_kinds=evidence.get("min_kinds") or 2,
                    decisive=evidence.get("decisive_min_confidence") or 0.5,
                )
            )
    account = report.get("account") or {}
    return {
        "summary": _words(risk.get("summary")),
        "combination": _words(combination),
        "rule": rule,
        "account": render_message(m.ACCOUNT(platform=account["platform"], handle=account["handle"]))
        if account.get("handle")
        else "",
        "computed_at": str(report.get("computed_at") or "")[:10],
    }


def _bars(distribution: Any, kind: str = "", limit: int = 6) -> list[dict[str, Any]]:
    if not isinstance(distribution, dict):
        return []
    pairs = [(k, float(v)) for k, v in distribution.items() if isinstance(v, (int, float))]
    if kind == "age":
        pairs.sort(key=lambda kv: kv[0])
    else:
        pairs.sort(key=lambda kv: -kv[1])
    return [
        {
            "key": label(kind, k) if kind in ("gender", "interest") else k,
            "share": _pct(v, 0),
            "width": round(v * 100, 1),
        }
        for k, v in pairs[:limit]
    ]


def growth_svg(points: list[tuple[Any, int]], anomalies: list[str], *, width: int = 640, height: int = 170) -> str:
    """Followers over time as an SVG line (drawn by WeasyPrint, so poppler and Chromium show the
    same picture), anomaly days as red dots; "" without at least two points."""
    points = [(d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)[:10]), int(f)) for d, f in points if f]
    if len(points) < 2:
        return ""
    left, right, top, bottom = 56, 10, 10, 24
    days = [(d - points[0][0]).days for d, _f in points]
    span = max(days[-1], 1)
    low, high = float(min(f for _d, f in points)), float(max(f for _d, f in points))
    if high == low:
        high, low = high + 1, max(low - 1, 0.0)
    pad = (high - low) * 0.08
    low, high = low - pad, high + pad

    def x(day: int) -> float:
        return left + (width - left - right) * day / span

    def y(value: float) -> float:
        return top + (height - top - bottom) * (1 - (value - low) / (high - low))

    path = " ".join(f"{x(d):.1f},{y(f):.1f}" for d, (_date, f) in zip(days, points))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'font-family="{FONT_FAMILY}" font-size="10">'
    ]
    for i in range(4):
        value = low + (high - low) * i / 3
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#e4e7ec"/>'
            f'<text x="{left - 6}" y="{y(value) + 3:.1f}" text-anchor="end" fill="#667085">'
            f"{compact_number(value)}</text>"
        )
    for index in (0, len(points) // 2, len(points) - 1):
        day, (date, _f) = days[index], points[index]
        anchor = "start" if index == 0 else "end" if index == len(points) - 1 else "middle"
        parts.append(
            f'<text x="{x(day):.1f}" y="{height - 6}" text-anchor="{anchor}" fill="#667085">{date.isoformat()}</text>'
        )
    parts.append(f'<polyline points="{path}" fill="none" stroke="#2563eb" stroke-width="1.8"/>')
    by_date = {d.isoformat(): (day, f) for day, (d, f) in zip(days, points)}
    for date in anomalies:
        if date in by_date:
            day, f = by_date[date]
            parts.append(f'<circle cx="{x(day):.1f}" cy="{y(f):.1f}" r="3.2" fill="#f04438"/>')
    parts.append("</svg>")
    return "".join(parts)


def _posts(posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for post in posts:
        caption = " ".join(str(post.get("caption") or "").split())
        out.append(
            {
                "date": post["posted_at"].date().isoformat() if post.get("posted_at") else "—",
                "caption": caption[:140] + ("…" if len(caption) > 140 else ""),
                "likes": compact_number(post.get("likes")),
                "comments": compact_number(post.get("comments")),
                "views": compact_number(post.get("views")) if post.get("views") else "",
                "sponsor": post.get("sponsor") or "",
                "url": post.get("url") or "",
            }
        )
    return out


def creator_page(row: ExportRow, number: int) -> dict[str, Any]:
    """Everything the template shows of one creator, worded in the active language."""
    v = row.values
    report = row.vetting if isinstance(row.vetting, dict) else {}
    anomalies = [
        str(a.get("date"))[:10]
        for a in ((report.get("growth") or {}).get("anomalies") or [])
        if isinstance(a, dict) and a.get("kind") in ("jump", "purge", "drop")
    ]
    match_parts = []
    for name, part in (row.match.get("parts") or {}).items():
        match_parts.append(
            {
                "label": label("match_part", name),
                "score": _score(part.get("score")),
                "width": round(float(part.get("score") or 0) * 100, 1),
                "known": part.get("known", True),
                "explanation": _words(part.get("explanation")),
            }
        )
    audience = row.audience or {}
    return {
        "number": number,
        "name": v["display_name"],
        "platform": label("platform", v["platform"]) if v["platform"] else "",
        "handle": v["handle"],
        "country": v["country"] or "—",
        "languages": ", ".join(v["languages"]) or "—",
        "category_labels": [label("category", c) for c in v["categories"]],
        "other_accounts": [render_message(a) for a in v["other_accounts"]],
        "data_as_of": v["data_as_of"].isoformat() if v["data_as_of"] else "",
        "stale": bool(v["data_stale"]),
        "followers": f"{v['followers']:,}" if v["followers"] is not None else "—",
        "followers_compact": compact_number(v["followers"]),
        "er": _pct(v["engagement_rate"], 2),
        "er_formula": render_message(er_formula_message(v["platform"])) if v["platform"] else "",
        "er_short": _er_short(v["platform"]),
        "growth_30d": _signed_pct(v["growth_30d"]),
        "growth_90d": _signed_pct(v["growth_90d"]),
        "posts_per_week": "—" if v["posts_per_week"] is None else f"{v['posts_per_week']:.1f}",
        "risk_level": v["risk_level"] or "",
        "risk_label": label("risk_level", v["risk_level"] or ""),
        "risk_score": _score(v["fake_risk"]),
        "risk_reason": _words(v["risk_reason"]),
        "risk_lines": _risk_lines(row),
        "report": _report_lines(report),
        "signals": _signals(report),
        "growth_svg": growth_svg(row.growth, anomalies),
        "audience": {
            "source": audience.get("source") or "",
            "as_of": str(audience.get("as_of") or "")[:10],
            "age": _bars(audience.get("age"), "age", 7),
            "gender": _bars(audience.get("gender"), "gender", 3),
            "countries": _bars(audience.get("countries"), "", 5),
            "languages": _bars(audience.get("languages"), "", 5),
            "interests": _bars(audience.get("interests"), "interest", 5),
        },
        "match_score": _score(v["match_score"]),
        "audience_fit": _score(v["audience_fit"]),
        "match_note": _words(v["match_note"]),
        "match_parts": match_parts,
        "competitor_posts": [
            {"term": p.get("term", ""), "date": p.get("date") or "—", "url": p.get("url") or ""}
            for p in row.match.get("competitor_posts") or []
        ],
        "fee": _fee(v),
        "reach": _range(v["est_reach_min"], v["est_reach_max"]),
        "cpm": _money_range(v["est_cpm_min_usd"], v["est_cpm_max_usd"], 2),
        "cpe": _money_range(v["est_cpe_min_usd"], v["est_cpe_max_usd"], 3),
        "tier": label("tier", v["est_tier"]) if v["est_tier"] else "",
        "status": label("entry_status", v["status"]) if v["status"] else "",
        "added_at": v["added_at"].isoformat() if v["added_at"] else "",
        "added_by": v["added_by"],
        "notes": v["notes"],
        "top_posts": _posts(row.top_posts),
        "sponsored_posts": _posts(row.sponsored_posts),
    }


def _signed_pct(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:+.1f}%"


def _range(low: Any, high: Any) -> str:
    if low is None or high is None:
        return "—"
    return compact_number(low) if low == high else f"{compact_number(low)}–{compact_number(high)}"


def _money_range(low: Any, high: Any, digits: int) -> str:
    if low is None or high is None:
        return "—"
    return f"US${low:,.{digits}f}–{high:,.{digits}f}"


def report_html(rows: list[ExportRow], *, context: ExportContext, language: str, now: dt.datetime | None = None) -> str:
    """The report as HTML in the active language (the PDF is this, laid out by WeasyPrint)."""
    pages = [creator_page(row, index) for index, row in enumerate(rows, start=1)]
    platforms = sorted({row.values["platform"] for row in rows if row.values["platform"]})
    html = render_to_string(
        TEMPLATE,
        {
            "font_url": font_path().as_uri(),
            "font_family": FONT_FAMILY,
            "context": context,
            "title": context.shortlist or "",
            "brand": context.brand.get("name", "") if context.brand else "",
            "date": timezone.localtime(now or timezone.now()).date().isoformat(),
            "language_name": label("language", language),
            "language": language,
            "creators": pages,
            "overlap": pdf_overlap(context.overlap),
            "method": method_lines(context, platforms=platforms),
            "method_notes": [
                render_message(m.METHOD_RISK()),
                render_message(m.METHOD_EVIDENCE()),
                render_message(m.METHOD_INTERVALS()),
            ],
        },
    )
    return printable(html)


def write_pdf(
    path: Path,
    rows: list[ExportRow],
    *,
    context: ExportContext,
    progress: Callable[[int], None],
    language: str = "en",
) -> None:
    """The report: cover, summary table, a page (or more) per creator; an empty export is a cover
    that says so."""
    html = report_html(rows, context=context, language=language)
    progress(max(len(rows) // 2, 0))
    pdf_from_html(html, path)
    progress(len(rows))


def pdf_from_html(html: str, path: Path) -> None:
    """Lay out `html` (which names the embedded font and fetches nothing else) as a PDF at `path`."""
    HTML = _weasyprint_html()
    HTML(string=html, url_fetcher=_font_only_fetcher(), base_url=str(font_path().parent)).write_pdf(str(path))


__all__ = ["creator_page", "font_path", "growth_svg", "pdf_from_html", "printable", "report_html", "write_pdf"]
