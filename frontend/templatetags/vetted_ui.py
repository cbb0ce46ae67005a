"""Presentation filters for the web UI: number formats, badges, avatars, bars.

Formatting only: no figure is computed here, every value comes from a selector or service.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.messages import compact_number, is_message, join_texts, render_message
from core.messages import label as message_label
from influencers.messages import TABLE_COUNTS
from vetting.messages import COUNT_OF

TABLE_COUNT_KEYS = ("created", "updated", "unchanged")

register = template.Library()

_AVATAR_COLOURS = ("#6366f1", "#8b5cf6", "#ec4899", "#f97316", "#14b8a6", "#0ea5e9", "#22c55e", "#e11d48", "#a855f7")


def _as_float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@register.filter
def compact(value: Any) -> str:
    """12_345 → "12.3K" (English) or "1.23万" (Chinese, as precise as the English); "—" when unknown."""
    return compact_number(value)


@register.filter
def words(value: Any) -> str:
    """A message ({"code", "params"}, core.messages) in the page's language; a plain string (a
    text stored before messages) as it is."""
    return render_message(value)


@register.filter
def label(code: Any, kind: str) -> str:
    """The label of a code in the page's language: {{ account.platform|label:"platform" }}."""
    return message_label(kind, code)


@register.filter
def er_formula(platform: Any) -> str:
    """The platform's engagement-rate formula in the page's language ("" without a platform)."""
    from vetting.scoring.engagement import er_formula_message

    return render_message(er_formula_message(str(platform))) if platform else ""


@register.filter
def labels(codes: Any, kind: str) -> str:
    """The labels of a list of codes, joined as a list in the page's language."""
    return join_texts(message_label(kind, code) for code in codes or ())


@register.filter
def pct(value: Any, digits: int = 1) -> str:
    """A share 0..1 as a percentage ("3.4%"); "—" when unknown."""
    number = _as_float(value)
    if number is None:
        return "—"
    return f"{number * 100:.{int(digits)}f}%"


@register.filter
def signed_pct(value: Any, digits: int = 1) -> str:
    """A relative change as "+2.1%" / "-0.4%"."""
    number = _as_float(value)
    if number is None:
        return "—"
    return f"{number * 100:+.{int(digits)}f}%"


@register.filter
def score100(value: Any) -> str:
    """A score 0..1 as a whole number out of 100."""
    number = _as_float(value)
    return "—" if number is None else f"{round(number * 100):d}"


@register.filter
def width_pct(value: Any) -> str:
    """A 0..1 share as a CSS width percentage, clamped."""
    number = _as_float(value) or 0.0
    return f"{max(0.0, min(1.0, number)) * 100:.1f}%"


@register.filter
def bar_class(value: Any) -> str:
    """good / ok / bad for a 0..1 score where higher is better."""
    number = _as_float(value)
    if number is None:
        return ""
    return "good" if number >= 0.66 else "ok" if number >= 0.4 else "bad"


_RISK_LABELS = {
    "low": gettext_lazy("Low risk"),
    "medium": gettext_lazy("Medium risk"),
    "high": gettext_lazy("High risk"),
    "insufficient": gettext_lazy("Not enough evidence"),
}
# What a vetting had no data for (vetting.scoring.risk.MISSING_LABELS, by code).
_MISSING_LABELS = {
    "follower_sample": gettext_lazy("no follower sample"),
    "history": gettext_lazy("no follower history"),
    "posts": gettext_lazy("no posts"),
    "comments": gettext_lazy("no comments"),
    "images": gettext_lazy("no images"),
}


@register.simple_tag
def risk_badge(level: str | None, risk: Any = None) -> str:
    """A coloured badge for a risk level (low/medium/high), grey for "not enough evidence" (an
    indicative score only in the title) and "not vetted"."""
    level = (level or "").lower()
    if level == "unknown":  # reports from before the evidence rule: no data at all
        level = "insufficient"
    known = level in _RISK_LABELS
    label = _RISK_LABELS[level] if known else _("Not vetted")
    number = _as_float(risk)
    if number is not None and level == "insufficient":
        title = _("Not enough evidence for a verdict; indicative risk %(score)s / 100") % {"score": round(number * 100)}
    elif number is not None:
        title = _("Fake-follower risk %(score)s / 100") % {"score": round(number * 100)}
    else:
        title = str(label)
    css = level if known and level != "insufficient" else "unknown"
    return format_html('<span class="badge badge-{}" title="{}" data-level="{}">{}</span>', css, title, level, label)


_KIND_LABELS = {
    "follower_sample": gettext_lazy("follower sample"),
    "history": gettext_lazy("follower history"),
    "posts": gettext_lazy("posts"),
    "comments": gettext_lazy("comments"),
    "images": gettext_lazy("images"),
}


@register.filter
def evidence_kinds(codes: Any) -> str:
    """The kinds of evidence a vetting had data for, in words ("follower sample, posts")."""
    return join_texts(str(_KIND_LABELS.get(str(code), code)) for code in codes or ())


@register.filter
def missing_labels(codes: Any) -> str:
    """The kinds of evidence a vetting had no data for, in words ("no follower sample, no comments")."""
    if not codes:
        return ""
    return join_texts(str(_MISSING_LABELS.get(str(code), code)) for code in codes)


@register.filter
def platform_name(code: Any) -> str:
    """A platform code as its name in the page's language (one name per platform: 小红书 in Chinese)."""
    return message_label("platform", code)


@register.inclusion_tag("frontend/_risk.html")
def creator_risk(risk: Any, shown_account_id: Any = None, link_account: bool = False) -> dict[str, Any]:
    """A creator's verdict for a list row: the badge, the account that sets it when it is not
    the one the row shows (a link to its tab on the creator page with `link_account`), the
    confidence and what is missing, and how many accounts have no verdict of their own
    (influencers.risk.CreatorRisk)."""
    account = getattr(risk, "account", None)
    return {
        "risk": risk,
        "named": account if account is not None and account.account_id != shown_account_id else None,
        "link_account": link_account,
        "others": len(getattr(risk, "without_verdict", ()) or ()),
    }


@register.simple_tag
def data_age(metrics: Any, days: Any = None) -> str:
    """The "data as of 2019-05-30" line of an account's metrics, and a "Stale" badge when the stored
    figures rest on data older than the staleness limit (AccountMetrics.data_is_stale)."""
    if metrics is None or metrics == "":
        return ""
    day = getattr(metrics, "data_as_of", None)
    text = _("data as of %(date)s") % {"date": day.isoformat()} if day else _("no dated data")
    if not getattr(metrics, "data_is_stale", False):
        return format_html('<span class="data-age" data-testid="data-age">{}</span>', text)
    title = _("The newest data is older than the staleness limit: the figures describe the account as it was then.")
    return format_html(
        '<span class="data-age" data-testid="data-age">{}</span> '
        '<span class="badge badge-medium plain" data-testid="stale-badge" title="{}">{}</span>',
        text,
        title,
        _("Stale"),
    )


@register.filter
def initials(name: Any) -> str:
    """Up to two initials (or the first CJK character) for an avatar placeholder."""
    text = str(name or "?").strip()
    if not text:
        return "?"
    if ord(text[0]) > 0x2E80:  # CJK: one character reads better than two
        return text[0]
    parts = [p for p in text.replace("_", " ").replace(".", " ").split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


@register.filter
def avatar_colour(name: Any) -> str:
    """A stable colour per name so a creator keeps the same placeholder everywhere."""
    digest = hashlib.sha256(str(name or "").encode()).digest()
    return _AVATAR_COLOURS[digest[0] % len(_AVATAR_COLOURS)]


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """mapping[key] in templates (None when absent)."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def sorted_shares(mapping: Any, limit: int = 6) -> list[tuple[str, float]]:
    """A {key: share} distribution as (key, share) pairs, largest first."""
    if not isinstance(mapping, dict):
        return []
    pairs = [(str(k), float(v)) for k, v in mapping.items() if isinstance(v, (int, float))]
    return sorted(pairs, key=lambda kv: -kv[1])[: int(limit)]


@register.filter
def json_script_safe(value: Any) -> str:
    """JSON for a data attribute (escaped by the template engine)."""
    return json.dumps(value, ensure_ascii=False, default=str)


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (None removes one); for pager
    and sort links that keep the active filters."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else None
    if params is None:
        return ""
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return "?" + encoded if encoded else "?"


# Stroke icons (24×24, 2px stroke) drawn inline so nothing is fetched; paths kept minimal.
_ICONS = {
    "search": '<circle cx="11" cy="11" r="7"/><path d="m20 20-3.5-3.5"/>',
    "users": '<circle cx="9" cy="8" r="4"/><path d="M2 21v-1a6 6 0 0 1 6-6h2a6 6 0 0 1 6 6v1"/>'
    '<path d="M16 3.5a4 4 0 0 1 0 9"/><path d="M22 21v-1a6 6 0 0 0-4-5.6"/>',
    "tag": '<path d="M3 12V4a1 1 0 0 1 1-1h8l9 9-9 9z"/><circle cx="7.5" cy="7.5" r="1.5"/>',
    "list": '<path d="M9 6h12M9 12h12M9 18h12"/><circle cx="4" cy="6" r="1"/><circle cx="4" cy="12" r="1"/>'
    '<circle cx="4" cy="18" r="1"/>',
    "clock": '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
    "image": '<rect x="3" y="3" width="18" height="18" rx="2"/><circle cx="9" cy="9" r="2"/>'
    '<path d="m21 15-5-5L5 21"/>',
    "upload": '<path d="M12 16V4m0 0-4 4m4-4 4 4"/><path d="M4 16v3a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-3"/>',
    "download": '<path d="M12 4v12m0 0-4-4m4 4 4-4"/><path d="M4 16v3a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-3"/>',
    "plus": '<path d="M12 5v14M5 12h14"/>',
    "check": '<path d="m5 12 5 5L20 7"/>',
    "alert": '<path d="M12 3 2 20h20z"/><path d="M12 10v4M12 17.5v.5"/>',
    "info": '<circle cx="12" cy="12" r="9"/><path d="M12 11v6M12 7.5v.5"/>',
    "shield": '<path d="M12 3 4 6v6c0 5 3.5 8 8 9 4.5-1 8-4 8-9V6z"/><path d="m9 12 2 2 4-4"/>',
    "sparkles": '<path d="M12 3v4M12 17v4M3 12h4M17 12h4M6 6l2.5 2.5M15.5 15.5 18 18M6 18l2.5-2.5M15.5 8.5 18 6"/>',
    "chart": '<path d="M3 3v18h18"/><path d="m7 15 4-4 3 3 5-6"/>',
    "star": '<path d="m12 3 2.8 5.7 6.2.9-4.5 4.4 1 6.2L12 17.3 6.5 20.2l1-6.2L3 9.6l6.2-.9z"/>',
    "logout": '<path d="M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3"/><path d="M10 17l-5-5 5-5M5 12h11"/>',
    "globe": '<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18"/>',
    "trash": '<path d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3"/>',
    "external": '<path d="M14 4h6v6M20 4l-9 9"/><path d="M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5"/>',
    "filter": '<path d="M3 5h18l-7 8v6l-4 2v-8z"/>',
    "x": '<path d="M6 6l12 12M18 6 6 18"/>',
    "bell": '<path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9"/><path d="M10.3 21a1.94 1.94 0 0 0 3.4 0"/>',
}


@register.simple_tag
def icon(name: str, label: str = "") -> str:
    """An inline SVG icon; decorative (aria-hidden) unless a label is given."""
    body = _ICONS.get(name, _ICONS["info"])
    aria = format_html('role="img" aria-label="{}"', label) if label else mark_safe('aria-hidden="true"')
    return format_html(
        '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
        'stroke-linejoin="round" {}>{}</svg>',
        aria,
        mark_safe(body),
    )


def _fmt_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        # Shares and rates are fractions in the reports; larger floats are plain numbers.
        return f"{value * 100:.1f}%" if -1.0 <= value <= 1.0 else f"{value:,.1f}"
    return str(value)


@register.filter
def signal_value(value: Any) -> str:
    """A vetting signal's value for display: shares as percentages, dicts as "key: value"."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        return " · ".join(f"{str(k).replace('_', ' ')}: {_fmt_scalar(v)}" for k, v in value.items() if v is not None)
    return _fmt_scalar(value)


_EVIDENCE_SKIP = {"sources", "formula", "audience_types", "tpr", "fpr", "threshold", "mean_confidence"}


@register.filter
def evidence_items(evidence: Any, limit: int = 8) -> list[str]:
    """A vetting signal's evidence as short lines: anomalies by their reason, example comments
    quoted, numbers formatted. Shows what the signal saw, never more than `limit` lines."""
    lines: list[str] = []

    def add(line: str) -> None:
        if line and len(lines) < int(limit):
            lines.append(line)

    def walk(item: Any, label: str = "") -> None:
        if item in (None, "", [], {}):
            return
        if isinstance(item, dict):
            if "reason" in item:
                add(f"{item.get('date', '')} {item['reason']}".strip())
                return
            if "text" in item and isinstance(item["text"], str):
                who = item.get("commenter") or item.get("username") or ""
                add(f"“{item['text']}”" + (f" — @{who}" if who else ""))
                return
            for key, value in item.items():
                if key in _EVIDENCE_SKIP:
                    continue
                if isinstance(value, (dict, list)):
                    walk(value, key.replace("_", " "))
                else:
                    add(f"{key.replace('_', ' ')}: {_fmt_scalar(value)}")
            return
        if isinstance(item, list):
            if item and all(isinstance(v, str) for v in item):
                add(f"{label}: " + ", ".join(f"“{v}”" for v in item[:5]) if label else ", ".join(item[:5]))
                return
            if item and all(isinstance(v, (int, float)) for v in item):
                add(f"{label}: " + " – ".join(_fmt_scalar(v) for v in item[:4]) if label else str(item[:4]))
                return
            for value in item:
                walk(value, label)
            return
        add(f"{label}: {_fmt_scalar(item)}" if label else _fmt_scalar(item))

    walk(evidence)
    return lines


# --- jobs: counts, log and error as sentences ---------------------------------------------------

_SERVER_PATH = re.compile(r"(?:/[\w.@+-]+){2,}/?")


def _without_paths(text: str, job: Any) -> str:
    """A job's technical text with server paths out of it: an import's temporary file by the
    name it was uploaded under, any other path by its last part."""
    params = getattr(job, "params", None) or {}
    path, original = params.get("path"), params.get("original_name")
    if isinstance(path, str) and path:
        text = text.replace(path, str(original or path.rsplit("/", 1)[-1]))
    return _SERVER_PATH.sub(lambda match: match.group(0).rstrip("/").rsplit("/", 1)[-1], text)


@register.filter
def job_error(job: Any) -> str:
    """Why a job failed, in the page's language: its message, else its text without server
    paths (import problems list their rows as the importer wrote them)."""
    message = (getattr(job, "result", None) or {}).get("error_message")
    if is_message(message):
        shown = render_message(message)
        detail = (getattr(job, "error", "") or "").split("\n", 1)
        # An import's problems: the headline above, then the rows, as written. (A job's result is
        # JSON: its message is in the stored form, a dict.)
        if len(detail) > 1 and isinstance(message, dict) and message["code"] == "core.import_invalid":
            shown += "\n" + _without_paths(detail[1], job)
        return shown
    return _without_paths(getattr(job, "error", "") or "", job)


@register.filter
def job_counts(job: Any) -> list[str]:
    """A job's counts as sentences ("3 alerts created" → "新建提醒：3"), never a raw dict."""
    lines = []
    for key, value in (getattr(job, "counts", None) or {}).items():
        if isinstance(value, dict) and {"created", "updated", "unchanged"} <= set(value):
            if any(value.values()):
                lines.append(render_message(TABLE_COUNTS(table=key, **{k: value[k] for k in TABLE_COUNT_KEYS})))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            lines.append(render_message(COUNT_OF(what=key, n=value)))
    return lines


@register.filter
def job_log(job: Any) -> list[str]:
    """A job's log lines in the page's language (lines written as messages are worded here)."""
    from core.selectors.jobs import job_log_lines

    return [f"{stamp} {render_message(message)}".strip() for stamp, message in job_log_lines(job)]


@register.filter
def highlight(text: Any, query: Any) -> str:
    """`text` escaped, with each case-insensitive occurrence of the search `query` in <mark>."""
    import re

    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    words = str(query or "").strip()
    escaped = escape(str(text or ""))
    if not words:
        return escaped
    pattern = re.compile(re.escape(escape(words)), re.IGNORECASE)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))


# Public profile addresses by platform (the handle as stored: no "@", lower-case).
PROFILE_URLS = {
    "instagram": "https://www.instagram.com/{handle}/",
    "tiktok": "https://www.tiktok.com/@{handle}",
    "youtube": "https://www.youtube.com/@{handle}",
    "x": "https://x.com/{handle}",
    "pinterest": "https://www.pinterest.com/{handle}/",
    "facebook": "https://www.facebook.com/{handle}",
    "weibo": "https://weibo.com/n/{handle}",
    "bilibili": "https://space.bilibili.com/{user_id}",
    "xiaohongshu": "https://www.xiaohongshu.com/user/profile/{user_id}",
    "douyin": "https://www.douyin.com/user/{user_id}",
}


@register.filter
def profile_url(account: Any) -> str:
    """The account's public profile on its platform ("" when it cannot be built: the platforms
    addressed by numeric id need the stored platform user id)."""
    from urllib.parse import quote

    pattern = PROFILE_URLS.get(getattr(account, "platform", ""), "")
    handle = getattr(account, "handle", "") or ""
    user_id = getattr(account, "platform_user_id", "") or ""
    if not pattern or ("{user_id}" in pattern and not user_id) or not handle:
        return ""
    return pattern.format(handle=quote(handle), user_id=quote(str(user_id)))
