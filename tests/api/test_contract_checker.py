"""The response checker behind every API test (tests/api/contract.py) does catch contradictions."""

from __future__ import annotations

import pytest
from django.http import JsonResponse

SCHEMA = {
    "paths": {
        "/api/v1/things/{id}/": {
            "get": {
                "responses": {
                    "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                    "404": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                }
            }
        }
    },
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "owner": {"type": "string", "nullable": True}},
                "required": ["id", "owner"],
            },
            "Error": {
                "type": "object",
                "properties": {"code": {"type": "string"}, "detail": {"type": "string"}},
                "required": ["code", "detail"],
            },
        }
    },
}


@pytest.fixture
def contract():
    from tests.api.contract import Contract

    return Contract(SCHEMA)


def test_a_matching_answer_passes_and_null_is_allowed_where_nullable(contract):
    contract.check("get", "/api/things/1/", JsonResponse({"id": 1, "owner": None}))


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (JsonResponse({"id": "1", "owner": "x"}), "does not match"),
        (JsonResponse({"id": 1}), "does not match"),
        (JsonResponse({"id": 1, "owner": 3}), "does not match"),
        (JsonResponse({"id": 1, "owner": None}, status=201), "not documented"),
        (JsonResponse({"detail": "gone"}, status=404), "does not match"),
    ],
)
def test_contradictions_fail(contract, response, message):
    with pytest.raises(AssertionError, match=message):
        contract.check("get", "/api/things/1/", response)


def test_an_undocumented_operation_fails_unless_it_is_an_error(contract):
    with pytest.raises(AssertionError, match="not in the schema"):
        contract.check("delete", "/api/things/1/", JsonResponse({}, status=200))
    contract.check("delete", "/api/things/1/", JsonResponse({"code": "method_not_allowed", "detail": "no"}, status=405))
