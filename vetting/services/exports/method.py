"""The method and the sources of an export, in the active language: the XLSX's second sheet and
the PDF's method note say how every figure was made and where its benchmarks come from."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.messages import label, render_message
from influencers.metrics.engagement import ER_DEFINITIONS
from vetting import messages as m
from vetting.scoring.engagement import er_formula_message, load_benchmarks
from vetting.scoring.ranking import DEFAULT_WEIGHTS
from vetting.services.exports.rows import ExportContext


def method_lines(context: ExportContext, *, platforms: list[str] | None = None) -> list[tuple[str, str]]:
    """(topic, text) pairs: the export, the formulas, the risk and its evidence rule, the match
    score, the estimates, then every benchmark and rate source."""
    from vetting.monitoring.estimates import rate_table

    lines: list[tuple[str, str]] = [
        (_("Generated"), timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")),
        (_("Language"), label("language", get_language() or "en")),
    ]
    if context.brand:
        lines.append((_("Brand"), context.brand["name"]))
    for platform in platforms or sorted(ER_DEFINITIONS):
        lines.append(
            (
                _("Engagement rate"),
                render_message(m.METHOD_ER(platform=platform, formula=er_formula_message(platform))),
            )
        )
    lines.append((_("Fake-follower risk"), render_message(m.METHOD_RISK())))
    lines.append((_("Evidence rule"), render_message(m.METHOD_EVIDENCE())))
    lines.append((_("Intervals"), render_message(m.METHOD_INTERVALS())))
    weights = DEFAULT_WEIGHTS
    lines.append(
        (
            _("Match score"),
            render_message(
                m.METHOD_MATCH(
                    audience=weights["audience_fit"],
                    authenticity=weights["authenticity"],
                    value=weights["value_alignment"],
                    engagement=weights["engagement"],
                )
            ),
        )
    )
    table = rate_table()
    lines.append(
        (
            _("Estimates"),
            # The bundled table's name and disclaimer are in the catalogue (vetting.messages.RATE_TABLE_TEXTS).
            render_message(m.METHOD_ESTIMATES(table=_(table.name), date=table.as_of, disclaimer=_(table.disclaimer))),
        )
    )
    benchmarks = load_benchmarks()
    for key, source in sorted((benchmarks.get("sources") or {}).items()):
        lines.append((_("Benchmark source"), render_message(m.METHOD_SOURCE(name=key, source=_source_text(source)))))
    for source in table.describe().get("sources", []):
        text = m.METHOD_SOURCE(name=source.get("id", ""), source=_source_text(source))
        lines.append((_("Rate source"), render_message(text)))
    return lines


def _source_text(source: object) -> str:
    if isinstance(source, dict):
        parts = [str(source.get(k)) for k in ("title", "publisher", "date", "url") if source.get(k)]
        return ", ".join(parts) or str(source)
    return str(source)
