"""core.fields.JSONTextField (AccountMetrics.vetting): a JSON document kept as text, read back as
the document it was, on either database; the serialisers write and read it as a nested value."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from django.core import serializers
from django.core.exceptions import FieldError, ValidationError
from django.db import connection

from core.messages import Message
from influencers.models import AccountMetrics
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

DOCUMENT = {
    "version": 3,
    "nested": {"list": [1, 2.5, None, True, "文字 ✓"], "empty": {}},
    "text": 'quotes " and \\ backslashes\nnewlines',
}


def _stored_text(account_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT vetting FROM influencers_accountmetrics WHERE account_id = %s", [account_id])
        return cursor.fetchone()[0]


def test_a_document_reads_back_as_it_was_written():
    account = AccountFactory()
    AccountMetrics.objects.create(account=account, followers=1, vetting=DOCUMENT)
    assert AccountMetrics.objects.get(pk=account.pk).vetting == DOCUMENT
    assert AccountMetrics.objects.values_list("vetting", flat=True).get(pk=account.pk) == DOCUMENT


def test_the_column_holds_the_json_text_on_either_database():
    account = AccountFactory()
    AccountMetrics.objects.create(account=account, followers=1, vetting={"a": [1, "b"]})
    stored = _stored_text(account.pk)
    assert isinstance(stored, str)
    assert stored == '{"a":[1,"b"]}'


def test_values_the_scorers_make_are_written_as_the_report_writes_them():
    account = AccountFactory()
    AccountMetrics.objects.create(
        account=account,
        followers=1,
        vetting={"share": np.float64(0.25), "n": np.int64(3), "day": dt.date(2026, 1, 2), "why": Message("x.y", {})},
    )
    assert AccountMetrics.objects.get(pk=account.pk).vetting == {
        "share": 0.25,
        "n": 3,
        "day": "2026-01-02",
        "why": {"code": "x.y", "params": {}},
    }


def test_an_unvetted_row_holds_the_empty_document():
    account = AccountFactory()
    AccountMetrics.objects.create(account=account, followers=1)
    assert _stored_text(account.pk) == "{}"
    assert AccountMetrics.objects.get(pk=account.pk).vetting == {}


def test_the_serialisers_write_and_read_the_document_as_a_nested_value():
    account = AccountFactory()
    AccountMetrics.objects.create(account=account, followers=1, vetting=DOCUMENT)
    text = serializers.serialize("json", AccountMetrics.objects.filter(pk=account.pk))
    assert '"nested": {"list"' in text  # a nested object, not a quoted string of JSON
    (restored,) = serializers.deserialize("json", text)
    assert restored.object.vetting == DOCUMENT


def test_to_python_reads_text_and_refuses_what_is_not_json():
    field = AccountMetrics._meta.get_field("vetting")
    assert field.to_python('{"a": 1}') == {"a": 1}
    assert field.to_python({"a": 1}) == {"a": 1}
    with pytest.raises(ValidationError):
        field.to_python("{not json")


def test_the_document_cannot_be_queried_inside():
    with pytest.raises(FieldError, match="Unsupported lookup"):
        list(AccountMetrics.objects.filter(vetting__rank__isnull=False))


def test_the_admin_form_shows_and_takes_the_document_as_json():
    form_field = AccountMetrics._meta.get_field("vetting").formfield()
    shown = form_field.prepare_value(DOCUMENT)
    assert json.loads(shown) == DOCUMENT
    assert form_field.clean(shown) == DOCUMENT
    with pytest.raises(ValidationError):
        form_field.clean("{not json")
