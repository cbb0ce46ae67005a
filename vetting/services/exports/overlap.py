"""The audience overlap of a shortlist as the PDF and XLSX exports show it: the matrix of
`vetting.services.overlap.overlap_matrix`, each cell as a short text (or a number), its shade and
its explanation in the export's language (the caller activates it)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from core.messages import render_message

# The PDF prints at most this many creators in its matrix (a wider one is unreadable on A4); the
# XLSX sheet has them all.
PDF_MATRIX_MAX = 12


def cell_text(cell: dict[str, Any]) -> str:
    """What a cell says in a few characters: "8.2%", "≤ 51%", "unknown", "n/a", "?", "—"."""
    kind = cell["kind"]
    if kind == "estimate":
        return f"{float(cell['share']) * 100:.1f}%"
    if kind == "too_small":
        return f"≤ {float(cell['interval'][1]) * 100:.0f}%"
    if kind == "unknown":
        return _("unknown")
    if kind == "none":
        return _("n/a")
    if kind == "contradiction":
        return "?"
    return "—"


def cell_interval(cell: dict[str, Any]) -> str:
    """The 95 % interval of an estimate ("2.3–20.9%"), else ""."""
    if cell["kind"] != "estimate":
        return ""
    low, high = cell["interval"]
    return f"{float(low) * 100:.1f}–{float(high) * 100:.1f}%"


def cell_shade(cell: dict[str, Any]) -> str:
    """A background colour (hex) for the share: from almost white to the report's blue."""
    if cell["kind"] != "estimate":
        return "F2F4F7" if cell["kind"] == "too_small" else "FFFFFF"
    share = min(max(float(cell["share"] or 0.0), 0.0), 1.0)
    weight = 0.08 + 0.8 * share
    white, blue = (255, 255, 255), (37, 99, 235)
    return "".join(f"{round(w + (b - w) * weight):02X}" for w, b in zip(white, blue))


def pair_notes(matrix: dict[str, Any]) -> list[dict[str, str]]:
    """Each pair of creators once (upper triangle) with its explanation: the PDF's list below the
    matrix and the XLSX's pair table."""
    rows = matrix["rows"]
    notes = []
    for i, row in enumerate(rows):
        for j in range(i + 1, len(rows)):
            cell = row["cells"][j]
            if cell["note"] is None:
                continue
            notes.append(
                {
                    "a": row["creator"]["display_name"],
                    "b": rows[j]["creator"]["display_name"],
                    "kind": cell["kind"],
                    "text": cell_text(cell),
                    "interval": cell_interval(cell),
                    "note": render_message(cell["note"]),
                }
            )
    return notes


def pdf_overlap(matrix: dict[str, Any] | None) -> dict[str, Any] | None:
    """The PDF's overlap section: at most PDF_MATRIX_MAX creators, every cell worded and shaded."""
    if matrix is None or len(matrix["rows"]) < 2:
        return None
    shown = matrix["rows"][:PDF_MATRIX_MAX]
    return {
        "creators": [row["creator"]["display_name"] for row in shown],
        "rows": [
            {
                "name": row["creator"]["display_name"],
                "cells": [
                    {
                        "text": cell_text(cell),
                        "interval": cell_interval(cell),
                        "shade": cell_shade(cell),
                        "dark": cell["kind"] == "estimate" and float(cell["share"] or 0) > 0.55,
                    }
                    for cell in row["cells"][:PDF_MATRIX_MAX]
                ],
            }
            for row in shown
        ],
        "cut": len(matrix["rows"]) - len(shown),
        "reach": render_message(matrix["reach"]),
        "not_counted": render_message(matrix["not_counted"]) if matrix["not_counted"] else "",
        "method": render_message(matrix["method"]),
        "pairs": [p for p in pair_notes({"rows": shown}) if p["kind"] != "unknown"],
        # once per creator without a sample, not once per pair
        "unknown": list(dict.fromkeys(p["note"] for p in pair_notes({"rows": shown}) if p["kind"] == "unknown")),
    }
