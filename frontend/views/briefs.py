"""The discovery page's "Describe your brief" box: the brief is read by the offline parser
(vetting.services.briefs) and shown back as chips the user can remove before "Apply" fills the
discovery filters or "Save as a brand brief" pre-fills a new brand's target audience."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import InputError
from frontend.views.common import can_write, render_page
from influencers.models import Platform
from vetting.briefs.parser import MAX_BRIEF_CHARS

TOPIC_LABELS = {
    "alcohol": gettext_lazy("alcohol"),
    "gambling": gettext_lazy("gambling"),
    "tobacco": gettext_lazy("tobacco and vaping"),
    "politics": gettext_lazy("politics"),
    "adult": gettext_lazy("adult content"),
    "weapons": gettext_lazy("weapons"),
    "drugs": gettext_lazy("drugs"),
    "fast_fashion": gettext_lazy("fast fashion"),
}


@login_required
@require_POST
def brief_parse(request: HttpRequest) -> HttpResponse:
    """The chips of a brief (an htmx fragment); 422 with the reason when the text is empty or
    too long."""
    from vetting.services.briefs import brief_parse as parse

    text = request.POST.get("text", "")
    context: dict[str, Any] = {
        "error": None,
        "text": text,
        "max_chars": MAX_BRIEF_CHARS,
        "can_write": can_write(request),
    }
    try:
        result = parse(text=text)
    except InputError as exc:
        context["error"] = (
            _("Write the brief first, e.g. “micro creators on TikTok in the UK, women 18–34, no alcohol”.")
            if not text.strip()
            else _("A brief is at most %(n)s characters.") % {"n": MAX_BRIEF_CHARS}
        )
        context["detail"] = exc.reason
        return render_page(request, "frontend/_brief_chips.html", context, status=422)
    context.update(brief_chips(result.as_dict()))
    return render_page(request, "frontend/_brief_chips.html", context)


def _pct(share: float) -> str:
    return f"{round(share * 100, 2):g}"


def _lines(values: dict[str, float]) -> str:
    return "\n".join(f"{key}: {_pct(share)}" for key, share in values.items())


def _chip(kind: str, label: str, inputs: list[tuple[str, Any]], brand: list[tuple[str, Any]] | None = None) -> dict:
    """A chip: its label, the discovery parameters it carries and the brand-form fields it fills."""
    return {"kind": kind, "label": label, "inputs": inputs, "brand": brand or []}


def brief_chips(result: dict[str, Any]) -> dict[str, Any]:
    """The parse as chips (discovery inputs in the page's own names: rates as `*_pct` percents,
    one input per repeated value) and translated notes."""
    f, target = result["filters"], result["target_audience"]
    chips: list[dict[str, Any]] = []
    for code in f.get("platform", []):
        label = Platform(code).label if code in Platform.values else code
        chips.append(
            _chip(
                "platform",
                _("Platform: %(name)s") % {"name": _(label)},
                [("platform", code)],
                [("preferred_platforms", code)],
            )
        )
    low, high = f.get("min_followers"), f.get("max_followers")
    if low is not None or high is not None:
        inputs = [(name, f[name]) for name in ("min_followers", "max_followers") if f.get(name) is not None]
        if low is not None and high is not None:
            label = _("Followers: %(low)s–%(high)s") % {"low": f"{low:,}", "high": f"{high:,}"}
        elif low is not None:
            label = _("Followers: at least %(low)s") % {"low": f"{low:,}"}
        else:
            label = _("Followers: at most %(high)s") % {"high": f"{high:,}"}
        chips.append(_chip("followers", label, inputs, inputs))
    countries = target.get("countries", {}).get("values", {})
    for code in [c for c in (f.get("country") or "").split(",") if c]:
        chips.append(
            _chip(
                "country",
                _("Creators in %(code)s") % {"code": code},
                [("country", code)],
                [("ta_countries", f"{code}: {_pct(countries.get(code, 1.0))}")],
            )
        )
    if f.get("audience_country"):
        code = f["audience_country"]
        inputs = [("audience_country", code)]
        label = _("Audience in %(code)s") % {"code": code}
        if f.get("audience_country_min") is not None:
            inputs.append(("audience_country_min_pct", _pct(f["audience_country_min"])))
            label = _("%(label)s (≥ %(pct)s%%)") % {"label": label, "pct": _pct(f["audience_country_min"])}
        shown = {c for c in (f.get("country") or "").split(",") if c}
        brand = [("ta_countries", f"{c}: {_pct(s)}") for c, s in countries.items() if c not in shown]
        chips.append(_chip("audience_country", label, inputs, brand))
    if "age" in target:
        bands = target["age"]["values"]
        inputs = [("audience_age", f["audience_age"])] if f.get("audience_age") else []
        if f.get("audience_age_min") is not None:
            inputs.append(("audience_age_min_pct", _pct(f["audience_age_min"])))
        label = _("Audience age: %(bands)s") % {"bands": ", ".join(f"{b} {_pct(s)}%" for b, s in bands.items())}
        chips.append(_chip("age", label, inputs, [("ta_age", _lines(bands))]))
    if f.get("audience_gender"):
        gender = f["audience_gender"]
        word = {"female": _("Female"), "male": _("Male")}.get(gender, _("Other"))
        share = _pct(f.get("audience_gender_min") or 0)
        chips.append(
            _chip(
                "gender",
                _("Audience: %(gender)s ≥ %(pct)s%%") % {"gender": word, "pct": share},
                [("audience_gender", gender), ("audience_gender_min_pct", share)],
                [("ta_gender", _lines(target.get("gender", {}).get("values", {gender: 1.0})))],
            )
        )
    languages = target.get("languages", {}).get("values", {})
    if f.get("language"):
        chips.append(
            _chip(
                "language",
                _("Creators post in %(code)s") % {"code": f["language"]},
                [("language", f["language"])],
                [("ta_languages", _lines(languages))],
            )
        )
    if f.get("audience_language"):
        chips.append(
            _chip(
                "audience_language",
                _("Audience speaks %(code)s") % {"code": f["audience_language"]},
                [("audience_language", f["audience_language"])],
                [] if f.get("language") else [("ta_languages", _lines(languages))],
            )
        )
    interests = target.get("interests", {}).get("values", {})
    for name, share in interests.items():
        if name == f.get("category"):
            chips.append(
                _chip(
                    "category",
                    _("Category: %(name)s") % {"name": name},
                    [("category", name)],
                    [("ta_interests", f"{name}: {_pct(share)}")],
                )
            )
        else:  # `category` takes one value: the others go to the brand target only
            chips.append(
                _chip(
                    "interest",
                    _("Interest (brand target only): %(name)s") % {"name": name},
                    [],
                    [("ta_interests", f"{name}: {_pct(share)}")],
                )
            )
    for brand_name in result["excluded_brands"]:
        chips.append(
            _chip(
                "not_worked_with",
                _("Never worked with %(brand)s") % {"brand": brand_name},
                [("not_worked_with", brand_name)],
                [("competitors", brand_name)],
            )
        )
    for brand_name in [b.strip() for b in (f.get("worked_with") or "").split(",") if b.strip()]:
        chips.append(
            _chip("worked_with", _("Worked with %(brand)s") % {"brand": brand_name}, [("worked_with", brand_name)])
        )
    if f.get("verified"):
        chips.append(_chip("flag", _("Verified accounts only"), [("verified", "true")]))
    if f.get("has_contact_email"):
        chips.append(_chip("flag", _("Has a contact email"), [("has_contact_email", "true")]))
    if "low" in f.get("risk_level", []):
        chips.append(_chip("flag", _("Low fake-follower risk"), [("risk_level", "low")]))
    for name, label in (
        ("min_engagement_rate", _("Engagement rate ≥ %(pct)s%%")),
        ("max_engagement_rate", _("Engagement rate ≤ %(pct)s%%")),
        ("min_growth_30d", _("30-day growth ≥ %(pct)s%%")),
    ):
        if f.get(name) is not None:
            chips.append(_chip("rate", label % {"pct": _pct(f[name])}, [(f"{name}_pct", _pct(f[name]))]))
    for topic in result["excluded_topics"]:
        chips.append(
            _chip(
                "topic",
                _("No %(topic)s (brand safety)") % {"topic": TOPIC_LABELS.get(topic, topic)},
                [],
                [("excluded_topics", topic)],
            )
        )
    return {
        "chips": chips,
        "unknown": list(result["unknown"]),
        "notes": [_note_text(note) for note in result["notes"]],
        "understood": bool(chips),
    }


def _note_text(note: dict[str, Any]) -> str:
    kind = note["kind"]
    if kind == "city":
        return _("%(city)s: there is no city filter; searched by its country, %(country)s.") % note
    if kind == "age_bands":
        return _("The age filter takes one band (%(band)s); the brand target keeps %(bands)s.") % {
            "band": note["band"],
            "bands": ", ".join(note["bands"]),
        }
    if kind == "one_value":
        return _("“%(param)s” takes one value: %(used)s is used; the brand target keeps the others.") % note
    if kind == "generation":
        return _("%(phrase)s: read as aged %(first)s–%(last)s today.") % note
    if kind == "approximate":
        return _("“%(phrase)s” read as ± 20 %% around that number of followers.") % note
    if kind == "topics":
        return _("Excluded topics are checked by a brand's brand-safety score, not by the discovery filters.")
    return note["text"]
