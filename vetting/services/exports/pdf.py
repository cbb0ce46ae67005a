"""The PDF vetting report: one page per creator with key metrics, a growth chart, risk signals
with their evidence, audience fit and value alignment.

All text is set in reportlab's built-in CID font STSong-Light, which needs no font file and
renders Chinese as well as Latin text offline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import KeepInFrame, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from vetting.services.exports.rows import ExportRow

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=16, leading=20, spaceAfter=4),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=11, leading=14, spaceBefore=6, spaceAfter=2),
        "body": ParagraphStyle("body", fontName=font, fontSize=8.5, leading=11),
        "small": ParagraphStyle("small", fontName=font, fontSize=7.5, leading=9.5, textColor=colors.grey),
    }


def _pct(value: Any) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def _num(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:,.3f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def growth_chart(points: list[tuple[dt.date, int]], *, width: float = 170 * mm, height: float = 55 * mm) -> Drawing:
    """Followers over time as a line chart (reportlab.graphics); a note when there is no history."""
    drawing = Drawing(width, height)
    if len(points) < 2:
        drawing.add(String(10, height / 2, "No follower history yet", fontName=_font(), fontSize=9))
        return drawing
    origin = points[0][0]
    data = [[((d - origin).days, f) for d, f in points]]
    plot = LinePlot()
    plot.x, plot.y = 45, 20
    plot.width, plot.height = width - 60, height - 35
    plot.data = data
    plot.lines[0].strokeColor = colors.HexColor("#2563eb")
    plot.lines[0].strokeWidth = 1.4
    plot.xValueAxis.labelTextFormat = lambda days: (origin + dt.timedelta(days=int(days))).strftime("%Y-%m-%d")
    plot.xValueAxis.labels.fontName = _font()
    plot.xValueAxis.labels.fontSize = 6.5
    plot.yValueAxis.labels.fontName = _font()
    plot.yValueAxis.labels.fontSize = 6.5
    plot.yValueAxis.labelTextFormat = lambda v: f"{v:,.0f}"
    drawing.add(plot)
    drawing.add(String(45, height - 10, "Followers", fontName=_font(), fontSize=8))
    return drawing


def _table(rows: list[list[Any]], widths: list[float], styles: dict[str, ParagraphStyle]) -> Table:
    body = [[Paragraph(escape(str(c)), styles["body"]) for c in row] for row in rows]
    table = Table(body, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f1f5f9")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _signals(vetting: dict[str, Any]) -> list[dict[str, Any]]:
    """The signals of a vetting report (`risk.signals` of the vetting service; a flat
    `signals` list or mapping is read too)."""
    signals = vetting.get("signals") or (vetting.get("risk") or {}).get("signals") or []
    if isinstance(signals, dict):
        signals = [{"name": k, **(v if isinstance(v, dict) else {"value": v})} for k, v in signals.items()]
    return [s for s in signals if isinstance(s, dict)] if isinstance(signals, list) else []


def _evidence_text(signal: dict[str, Any]) -> str:
    parts = [str(signal.get("explanation") or "")]
    evidence = signal.get("evidence")
    if isinstance(evidence, dict):
        parts.append("; ".join(f"{k}: {v}" for k, v in list(evidence.items())[:6]))
    elif isinstance(evidence, list):
        parts.append("; ".join(str(e) for e in evidence[:6]))
    elif evidence:
        parts.append(str(evidence))
    return " — ".join(p for p in parts if p)[:400]


def _signal_rows(vetting: dict[str, Any]) -> list[list[Any]]:
    """Risk signals as table rows: signal, value, benchmark, weight, risk, the points it adds
    (they add up to the risk shown), explanation and evidence."""
    return [
        [
            s.get("label") or s.get("name", ""),
            _num(s.get("value")),
            _num(s.get("benchmark")),
            _num(s.get("weight")),
            _num(s.get("risk")) if s.get("risk") is not None else "no data",
            _num(s.get("points")) if s.get("risk") is not None else "—",
            _evidence_text(s),
        ]
        for s in _signals(vetting)
    ]


MISSING_TEXT = {
    "follower_sample": "no follower sample",
    "history": "no follower history",
    "posts": "no posts",
    "comments": "no comments",
    "images": "no images",
}


def creator_risk_lines(row: ExportRow) -> list[str]:
    """The creator-level verdict in words: the level, the account that sets it, the confidence,
    what is missing, and the accounts without a verdict of their own."""
    risk = row.risk
    if risk is None or not risk.level:
        return ["Creator risk: not vetted yet."]
    level = "NOT ENOUGH EVIDENCE" if risk.level == "insufficient" else f"{risk.level.upper()} risk"
    line = f"Creator risk: {level}"
    if risk.risk is not None:
        line += f" ({risk.risk * 100:.0f}/100{', indicative' if risk.level == 'insufficient' else ''})"
    if risk.account is not None:
        line += f", set by {risk.account.platform} @{risk.account.handle} (the creator's riskiest vetted account)"
    if risk.confidence is not None:
        line += f"; confidence {risk.confidence:.0%}"
    if risk.missing:
        line += "; " + ", ".join(MISSING_TEXT.get(m, m) for m in risk.missing)
    lines = [line + "."]
    if risk.without_verdict:
        lines.append(
            "Without a verdict of their own: "
            + ", ".join(
                f"{a.platform} @{a.handle} ({'not enough evidence' if a.level == 'insufficient' else 'not vetted'})"
                for a in risk.without_verdict
            )
            + "."
        )
    return lines


def combination_lines(vetting: dict[str, Any]) -> list[str]:
    """How the signals below were combined (one checkable line) and whether the evidence rule is met."""
    stored = vetting.get("risk")
    risk: dict[str, Any] = stored if isinstance(stored, dict) else {}
    lines = []
    text = (risk.get("combination") or {}).get("text")
    if text:
        lines.append(f"Combination: {text}.")
    evidence = risk.get("evidence") or {}
    if evidence:
        needs = (
            f"confidence ≥ {evidence.get('min_confidence', 0):.0%} and {evidence.get('min_kinds')} kinds of evidence, "
            f"or one decisive signal with confidence ≥ {evidence.get('decisive_min_confidence', 0):.0%}"
        )
        kinds = ", ".join(evidence.get("kinds") or []) or "none"
        confidence = evidence.get("confidence", 0)
        if evidence.get("met"):
            lines.append(f"Evidence rule met ({evidence.get('rule')}): confidence {confidence:.0%}, kinds: {kinds}.")
        else:
            lines.append(
                f"Not enough evidence for a verdict: confidence {confidence:.0%}, kinds: {kinds}; "
                f"a level needs {needs}."
            )
    return lines


def _audience_text(row: ExportRow) -> str:
    if not row.audience:
        return "No audience data."
    parts = []
    for dimension in ("countries", "age", "gender", "languages"):
        top = sorted((row.audience.get(dimension) or {}).items(), key=lambda kv: -kv[1])[:4]
        if top:
            parts.append(f"{dimension}: " + ", ".join(f"{k} {v * 100:.0f}%" for k, v in top))
    return f"Audience ({row.audience.get('source')}, {row.audience.get('as_of')}): " + "; ".join(parts)


def _creator_page(row: ExportRow, styles: dict[str, ParagraphStyle]) -> list[Any]:
    v = row.values
    place = f"Country {v['country'] or '—'} · languages {v['languages'] or '—'} · categories {v['categories'] or '—'}"
    story: list[Any] = [
        Paragraph(escape(f"{v['display_name']}  ·  {v['platform']} @{v['handle']}"), styles["title"]),
        Paragraph(
            escape(
                place
                + (f" · other accounts: {v['other_accounts']}" if v["other_accounts"] else "")
                + (f" · data as of {v['data_as_of']}" if v["data_as_of"] else " · no dated data")
                + (" (stale)" if v["data_stale"] == "yes" else "")
            ),
            styles["small"],
        ),
        Paragraph("Key metrics", styles["h2"]),
        _table(
            [
                ["Followers", "ER", "ER formula", "Growth 30d", "Growth 90d", "Posts/week", "Fake risk"],
                [
                    _num(v["followers"]),
                    _pct(v["engagement_rate"]),
                    v["er_formula"] or "—",
                    _pct(v["growth_30d"]),
                    _pct(v["growth_90d"]),
                    _num(v["posts_per_week"]),
                    f"{_pct(v['fake_risk'])} {v['risk_level']}".strip(),  # the creator's (worst account's)
                ],
            ],
            [22 * mm, 18 * mm, 42 * mm, 20 * mm, 20 * mm, 18 * mm, 30 * mm],
            styles,
        ),
    ]
    story += [Paragraph(escape(line), styles["body"]) for line in creator_risk_lines(row)]
    story += [Paragraph("Follower growth", styles["h2"]), growth_chart(row.growth)]
    account = (row.vetting.get("account") or {}) if isinstance(row.vetting, dict) else {}
    heading = "Risk signals"
    if account.get("handle"):
        heading += f" — {account.get('platform')} @{account.get('handle')}"
    story.append(Paragraph(escape(heading), styles["h2"]))
    signals = _signal_rows(row.vetting)
    summary = (row.vetting.get("risk") or {}).get("summary") if isinstance(row.vetting.get("risk"), dict) else ""
    if summary:
        story.append(Paragraph(escape(str(summary)), styles["body"]))
    story += [Paragraph(escape(line), styles["small"]) for line in combination_lines(row.vetting)]
    if signals:
        story.append(
            _table(
                [["Signal", "Value", "Benchmark", "Weight", "Risk", "Adds", "Explanation and evidence"], *signals],
                [30 * mm, 18 * mm, 24 * mm, 13 * mm, 12 * mm, 11 * mm, 72 * mm],
                styles,
            )
        )
    else:
        story.append(Paragraph("No vetting report computed for this account yet.", styles["body"]))
    story.append(Paragraph("Audience fit", styles["h2"]))
    story.append(Paragraph(escape(_audience_text(row)), styles["body"]))
    if row.match:
        parts = row.match.get("parts", {})
        lines = [f"Match score {_num(row.match.get('score'))}"] + [
            f"{name}: {_num(part.get('score'))} — {part.get('explanation', '')}" for name, part in parts.items()
        ]
        for line in lines:
            story.append(Paragraph(escape(line), styles["body"]))
        for post in row.match.get("competitor_posts") or []:
            where = post.get("url") or f"post {post.get('post_id')} (no public URL imported)"
            story.append(
                Paragraph(
                    escape(f"Competitor sponsorship: {post.get('term')} on {post.get('date') or '—'}: {where}"),
                    styles["body"],
                )
            )
    story.append(Paragraph("Value alignment", styles["h2"]))
    if row.brand:
        brand_values = ", ".join(row.brand.get("values") or []) or "—"
        text = f"Brand {row.brand['name']} values: {brand_values}. Alignment score: {_num(v['value_alignment'])}."
    else:
        text = "Not assessed: this export is not tied to a brand."
    story.append(Paragraph(escape(text), styles["body"]))
    if v["status"]:
        story.append(Paragraph("Shortlist", styles["h2"]))
        story.append(
            Paragraph(
                escape(
                    f"Status {v['status']}, added {v['added_at'][:10]} by {v['added_by'] or '—'}. "
                    f"Notes: {v['notes'] or '—'}"
                ),
                styles["body"],
            )
        )
    return story


def write_pdf(path: Path, rows: list[ExportRow], *, title: str, progress: Callable[[int], None]) -> None:
    """One page per creator; an empty export still produces a one-page PDF saying so."""
    styles = _styles()
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"Vetting report: {title}",
        author="Vetted",
    )
    story: list[Any] = []
    if not rows:
        story.append(Paragraph(escape(f"Vetting report: {title} — no creators"), styles["title"]))
    for index, row in enumerate(rows):
        if index:
            story.append(PageBreak())
        page = _creator_page(row, styles)
        page.append(Spacer(1, 4 * mm))
        page.append(Paragraph(escape(f"Vetting report: {title} · page {index + 1} of {len(rows)}"), styles["small"]))
        # Shrunk to fit if a long report would spill over: one page per creator, always.
        story.append(KeepInFrame(doc.width, doc.height - 2 * mm, page, mode="shrink"))
        if (index + 1) % 10 == 0:
            progress(index + 1)
    doc.build(story)
    progress(len(rows))
