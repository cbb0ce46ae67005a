"""Forms of the import pages: the upload (file and mapping choice) and the column-mapping step
(where each of the file's columns goes). The import service checks the file and the mapping."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from influencers.services.imports.shipped import SHIPPED_MAPPINGS

OWN_FORMAT = ""
CUSTOM = "custom"
TRANSFORM_CHOICES = (
    ("", _("as written")),
    ("number", _("number (23.4K, 1.2万)")),
    ("percent", _("percent (64%)")),
    ("date", _("date")),
)


def mapping_choices() -> list[tuple[str, Any]]:
    return [
        (OWN_FORMAT, _("Vetted's own columns (docs/import-format.md)")),
        *[(m.name, m.label) for m in SHIPPED_MAPPINGS],
        (CUSTOM, _("Map the columns myself")),
    ]


class ImportUploadForm(forms.Form):
    """A CSV/TSV/XLSX/JSON/JSONL file and how its columns are read."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, TSV, Excel (XLSX), JSON or JSON Lines; the type is read from the content."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.xlsx,.json,.jsonl,.txt"}),
    )
    mapping = forms.ChoiceField(
        label=_("Columns"), required=False, choices=mapping_choices, initial="", widget=forms.RadioSelect
    )


class ColumnMappingForm(forms.Form):
    """One target column and one transform per header of the uploaded file (blank: ignored)."""

    def __init__(
        self,
        *args: Any,
        header: list[str],
        rows: list[list[str]],
        targets: dict[str, str],
        transforms: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.header = header
        self.samples = [[row[i] for row in rows if i < len(row) and row[i]] for i in range(len(header))]
        for index, column in enumerate(header):
            self.fields[f"to_{index}"] = forms.CharField(
                label=column, required=False, max_length=80, initial=targets.get(column, "")
            )
            self.fields[f"transform_{index}"] = forms.ChoiceField(
                label=_("Read as"), required=False, choices=TRANSFORM_CHOICES, initial=transforms.get(column, "")
            )

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField, list[str]]]:
        """(header, its target field, its transform field, its first values) per column."""
        return [
            (column, self[f"to_{i}"], self[f"transform_{i}"], self.samples[i]) for i, column in enumerate(self.header)
        ]

    def choices(self) -> dict[str, tuple[str, str]]:
        """header → (our column, transform), as the person chose them."""
        return {
            column: (
                (self.cleaned_data.get(f"to_{i}") or "").strip(),
                self.cleaned_data.get(f"transform_{i}") or "",
            )
            for i, column in enumerate(self.header)
        }
