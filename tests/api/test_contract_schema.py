"""The schema says exactly what the API does: one content type per body, real statuses with
Location on creates, arrays as arrays, nullable where null comes back, integer ids, named enums,
the one Error component on every operation, no undocumented methods."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.factories import BrandFactory, CreatorFactory

UPLOADS = {"/api/v1/brands/{id}/mood-board/", "/api/v1/imports/", "/api/v1/search/aesthetic/"}


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def _resolve(schema, node):
    while "$ref" in node or len(node.get("allOf", [])) == 1:
        node = node["allOf"][0] if "allOf" in node else node
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def test_every_body_has_one_content_type_json_or_multipart_for_uploads(schema):
    bodies = 0
    for path, method, operation in _operations(schema):
        if "requestBody" not in operation:
            continue
        bodies += 1
        expected = ["multipart/form-data"] if path in UPLOADS else ["application/json"]
        assert list(operation["requestBody"]["content"]) == expected, (method, path)
    assert bodies >= 20


def test_every_operation_documents_the_one_error_shape(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "detail"]
    for path, method, operation in _operations(schema):
        codes = ["500"] if path == "/api/v1/health/" else ["400", "401", "403", "404", "429", "500"]
        for code in codes:
            content = operation["responses"][code]["content"]["application/json"]["schema"]
            assert content == {"$ref": "#/components/schemas/Error"}, (method, path, code)


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/api/v1/brands/", "201"),
        ("/api/v1/notes/", "201"),
        ("/api/v1/shortlists/", "201"),
        ("/api/v1/monitoring/watches/", "201"),
        ("/api/v1/brands/{id}/mood-board/", "201"),
    ],
)
def test_creates_are_documented_201_with_location(schema, path, code):
    responses = schema["paths"][path]["post"]["responses"]
    assert "200" not in responses
    assert "Location" in responses[code]["headers"]


@pytest.mark.parametrize("path", ["/api/v1/brands/{id}/mood-board/", "/api/v1/monitoring/watches/{id}/rules/"])
def test_array_answers_are_documented_as_arrays(schema, path):
    body = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["type"] == "array"


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("Shortlist", "brand_name"),
        ("Watch", "brand_name"),
        ("Watch", "shortlist_name"),
        ("Alert", "acknowledged_by"),
        ("NotificationSettings", "updated_by"),
    ],
)
def test_fields_that_come_back_null_are_nullable(schema, component, field):
    assert schema["components"]["schemas"][component]["properties"][field]["nullable"] is True


def test_path_ids_are_integers_and_the_stray_file_delete_is_gone(schema):
    for path, method, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "path":
                continue
            # An id is an integer; any other path parameter (a file type) is a closed enum.
            if parameter["name"] == "id" or parameter["name"].endswith("_id"):
                assert parameter["schema"]["type"] == "integer", (method, path, parameter)
            else:
                assert parameter["schema"].get("enum"), (method, path, parameter)
    assert list(schema["paths"]["/api/v1/brands/{id}/mood-board/{image_id}/file/"]) == ["get"]


def test_enums_carry_member_names(schema):
    sort = next(p for p in schema["paths"]["/api/v1/creators/"]["get"]["parameters"] if p["name"] == "sort")
    names = dict(zip(sort["schema"]["enum"], sort["schema"]["x-enum-varnames"], strict=True))
    assert names["-followers"] == "DESC_FOLLOWERS" and names["followers"] == "FOLLOWERS"
    platform = schema["components"]["schemas"]["PlatformEnum"]
    assert len(set(platform["x-enum-varnames"])) == len(platform["enum"])


def test_secret_and_download_are_typed(schema):
    settings_answer = schema["paths"]["/api/v1/monitoring/settings/"]["patch"]["responses"]["200"]
    ref = settings_answer["content"]["application/json"]["schema"]
    assert "webhook_secret" in _resolve(schema, ref)["properties"]
    download = schema["paths"]["/api/v1/exports/{id}/download/"]["get"]["responses"]["200"]["content"]
    assert set(download) == {
        "text/csv",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }


@pytest.mark.django_db
def test_creates_answer_201_with_the_location_of_what_was_made(editor):
    response = editor.client.post("/api/v1/brands/", {"name": "Nova"}, format="json")
    assert response.status_code == 201
    brand_id = response.json()["id"]
    assert response["Location"].endswith(f"/brands/{brand_id}/")
    assert editor.client.get(response["Location"]).json()["name"] == "Nova"
    note = editor.client.post("/api/v1/notes/", {"creator": CreatorFactory().pk, "text": "met"}, format="json")
    assert note.status_code == 201 and note["Location"].endswith(f"/notes/{note.json()['id']}/")


@pytest.mark.django_db
def test_the_mood_board_file_refuses_delete(editor):
    from tests.api.conftest import png_bytes
    from vetting.services.brands import mood_board_add

    brand = BrandFactory(organization=editor.organization)
    image = mood_board_add(brand=brand, data=png_bytes(), filename="a.png")
    response = editor.client.delete(f"/api/brands/{brand.pk}/mood-board/{image.pk}/file/")
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"
    assert brand.mood_board.count() == 1


def test_explanations_are_typed_components(schema):
    components = schema["components"]["schemas"]
    vetting = components["AccountDetail"]["properties"]["vetting"]
    assert _resolve(schema, vetting) is components["VettingReport"]
    signals = components["RiskVerdict"]["properties"]["signals"]
    assert signals["items"] == {"$ref": "#/components/schemas/RiskSignal"}
    signal = components["RiskSignal"]["properties"]
    assert {"value", "benchmark", "weight", "explanation_message", "evidence_lines_messages"} <= set(signal)
    assert _resolve(schema, components["Job"]["properties"]["result"]) is components["JobResult"]
    assert _resolve(schema, components["Overlap"]["properties"]["pairs"]["items"]) is components["OverlapPair"]
