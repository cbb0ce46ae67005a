"""OpenAPI additions drf-spectacular cannot infer: one content type per request body, the one
error shape on every operation, the X-Organization header, Location on creates and enum member
names (`x-enum-varnames`) that generated clients can use."""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

OPEN_PATHS = ("/api/health/", "/api/v1/health/")

ORGANIZATION_HEADER_PARAMETER = {
    "in": "header",
    "name": "X-Organization",
    "required": False,
    "schema": {"type": "integer"},
    "description": "Id of the organisation to act for (default: your first membership); 403 if you are not a member.",
}

ERROR_COMPONENT = "Error"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every 4xx and 5xx answer of the API (docs/api.md, Errors).",
    "properties": {
        "code": {"type": "string", "description": "Stable, machine-readable: invalid, not_found, throttled, ..."},
        "detail": {"type": "string", "description": "What went wrong, in English, for developers"},
        "field": {"type": "string", "description": "The first offending field or parameter (a.b, list[0])"},
        "errors": {
            "type": "array",
            "description": "Every problem of a validation error",
            "items": {"$ref": "#/components/schemas/ErrorItem"},
        },
        "message": {"type": "string", "description": "For people, in the request's language (domain errors)"},
    },
    "required": ["code", "detail"],
}
ERROR_ITEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"code": {"type": "string"}, "detail": {"type": "string"}, "field": {"type": "string"}},
    "required": ["code", "detail"],
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input: body, parameter (unknown, malformed, out of range) or state",
    "401": "Not authenticated (send `Authorization: Token <key>` or `Bearer <key>`)",
    "403": "Not allowed: not a member of the organisation, or a viewer writing",
    "404": "Not found (or another organisation's)",
    "429": "Too many requests: retry after `Retry-After` seconds",
    "500": "Unexpected server error",
    "503": "A service behind the API (job queue, image index) is unavailable: retry later",
}
BODY_ERRORS = {"415": "Unsupported media type: send the body as the content type documented here"}


IDEMPOTENCY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Retry-safe: a retry with the same key and request answers the first answer again "
    "(Idempotent-Replayed: true) and creates nothing; 422 if the key was used with another request",
)
IDEMPOTENCY_ERRORS = {
    "409": "A request with this Idempotency-Key is still running",
    "422": "This Idempotency-Key was used with a different request",
}


class VettedAutoSchema(AutoSchema):
    """Request bodies in ONE content type: JSON, or multipart on upload endpoints (views with
    `upload_endpoint = True`). A body declared for several types with one schema makes generated
    clients send multipart with every field twice and fail on nested objects."""

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        handler = getattr(self.view, self.method.lower(), None)
        if getattr(handler, "idempotent", False):
            parameters.append(IDEMPOTENCY_PARAMETER)
        return parameters

    def map_parsers(self) -> list[str]:
        if getattr(self.view, "upload_endpoint", False):
            return ["multipart/form-data"]
        return ["application/json"]


def _operations(result: dict[str, Any]):  # noqa: ANN202
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def add_organization_header(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: declare X-Organization on every operation except the open ones."""
    for path, _method, operation in _operations(result):
        if path in OPEN_PATHS:
            continue
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("name") == "X-Organization" for p in parameters):
            parameters.append(dict(ORGANIZATION_HEADER_PARAMETER))
    return result


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: every operation documents its errors with the one Error component, and
    every 201 its Location header."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_COMPONENT] = ERROR_SCHEMA
    schemas["ErrorItem"] = ERROR_ITEM_SCHEMA
    error_content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
    for path, _method, operation in _operations(result):
        responses = operation.setdefault("responses", {})
        descriptions = {**ERROR_DESCRIPTIONS, **(BODY_ERRORS if "requestBody" in operation else {})}
        if any(p.get("name") == "Idempotency-Key" for p in operation.get("parameters", [])):
            descriptions.update(IDEMPOTENCY_ERRORS)
        codes = ("500",) if path in OPEN_PATHS else tuple(descriptions)
        for code in codes:
            responses[code] = {"description": descriptions[code], "content": error_content}
        for code, response in list(responses.items()):
            if code.startswith(("4", "5")) and code not in descriptions and path not in OPEN_PATHS:
                description = response.get("description") or "Error"
                responses[code] = {"description": description, "content": error_content}
        if "201" in responses:
            responses["201"].setdefault("headers", {})["Location"] = {
                "schema": {"type": "string"},
                "description": "The created object's URL",
            }
    return result


def enum_varname(value: Any) -> str:
    """A value as a constant name: "-followers" → DESC_FOLLOWERS, "18-24" → AGE_18_24."""
    if value is None or value == "":
        return "EMPTY" if value == "" else "NONE"
    text = str(value)
    prefix = "DESC_" if text.startswith("-") else ""
    name = re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_").upper() or "VALUE"
    if name[0].isdigit():
        name = f"N_{name}"
    return prefix + name


def _dicts(node: Any):  # noqa: ANN202
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _dicts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _dicts(value)


def _blank_or_format(node: dict[str, Any]) -> bool:
    options = node.get("oneOf")
    return (
        isinstance(options, list)
        and len(options) == 2
        and all(isinstance(o, dict) and o.get("type") == "string" for o in options)
        and options[1].get("maxLength") == 0
    )


def simplify_blank_strings(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: drf-spectacular writes a blank-allowed URL or e-mail field as
    oneOf[string(format), string(maxLength 0)]; "" then matches both (formats are advisory), which
    breaks oneOf, and clients generate a union of two strings. One string, its format named."""
    for node in list(_dicts(result)):
        if _blank_or_format(node):
            first = node.pop("oneOf")[0]
            node["type"] = "string"
            if "maxLength" in first:
                node["maxLength"] = first["maxLength"]
            described = f"{first.get('format', 'text')} or empty"
            node["description"] = f"{node['description']} ({described})" if node.get("description") else described
    return result


def add_enum_varnames(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: `x-enum-varnames` on every enum (components and inline parameters), so
    generated clients name the members after their values instead of VALUE_0, VALUE_1..."""
    for schema in [node for node in _dicts(result) if isinstance(node.get("enum"), list)]:
        names: list[str] = []
        for value in schema["enum"]:
            name = enum_varname(value)
            while name in names:
                name += "_"
            names.append(name)
        schema["x-enum-varnames"] = names
    return result


def typed_query_parameters(parameters: list[dict[str, Any]], view: Any) -> list[dict[str, Any]]:
    """Query parameters as the view's QuerySpec reads them (api/filters.py): list parameters as
    arrays (repeat them, or comma-separate the values), booleans as booleans, the typeless ones
    (filters with a method) typed from their filter: numbers as numbers, the rest as strings."""
    spec = getattr(view, "query_spec", None)
    filterset_class = getattr(view, "filterset_class", None)
    declared = getattr(filterset_class, "base_filters", {})
    for parameter in parameters:
        name = parameter.get("name")
        if parameter.get("in") != "query" or spec is None:
            continue
        if name in spec.lists:
            item: dict[str, Any] = {"type": "string"}
            if spec.lists[name].choices:
                item["enum"] = list(spec.lists[name].choices)
            parameter.update(schema={"type": "array", "items": item}, style="form", explode=True)
            parameter["description"] = (parameter.get("description", "") + " (repeat or comma-separate)").strip()
        elif name in spec.booleans:
            parameter["schema"] = {"type": "boolean"}
        elif not parameter.get("schema"):
            kind = type(declared.get(name)).__name__
            parameter["schema"] = {"type": "number"} if kind == "NumberFilter" else {"type": "string"}
    return parameters


def current_version_only(endpoints: list[tuple[Any, ...]], **kwargs: Any) -> list[tuple[Any, ...]]:
    """Preprocessing hook: document /api/v1/ only; the deprecated /api/ alias serves the same
    operations (api/middleware.py) and would repeat every operation id."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


# Where a create's answer points that the path does not say: {(POST path, status): [(target path,
# {target path parameter: where its value comes from})]}.
EXTRA_LINKS: dict[tuple[str, str], list[tuple[str, dict[str, str]]]] = {
    ("/api/v1/monitoring/watches/{id}/rules/", "201"): [
        ("/api/v1/monitoring/rules/{id}/", {"id": "$response.body#/id"})
    ],
    ("/api/v1/shortlists/{id}/entries/", "201"): [
        (
            "/api/v1/shortlists/{id}/entries/{entry_id}/",
            {"id": "$request.path.id", "entry_id": "$response.body#/added/0/id"},
        )
    ],
}
JOB_PATH = "/api/v1/jobs/{id}/"
PATH_PARAMETER = re.compile(r"\{([^}]+)\}")


def _link_name(target_method: str, operation_id: str) -> str:
    return "".join(part.capitalize() for part in f"{target_method}_{operation_id}".split("_"))


def _created_id_links(path: str, paths: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
    """The operations on the object a POST to collection `path` creates: paths `path{x}/...`,
    `x` from the answer's `id`, the collection's own path parameters from the request."""
    out = []
    own = PATH_PARAMETER.findall(path)
    for target in paths:
        rest = target[len(path) :] if target.startswith(path) else ""
        first = PATH_PARAMETER.match(rest)
        if first is None:
            continue
        parameters = {name: f"$request.path.{name}" for name in own}
        parameters[first.group(1)] = "$response.body#/id"
        out.append((target, parameters))
    return out


def add_links(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: OpenAPI links from every create (201/202 answering an object with an
    `id`) to the operations on what it created (reads, updates, deletes and nested creates), and
    from every job start (202 with a Job) to the job, so a client (or schemathesis' stateful
    tests) can follow an id from one answer into the next request."""
    paths = result.get("paths", {})
    schemas = result.get("components", {}).get("schemas", {})
    for path, method, operation in list(_operations(result)):
        if method != "post":
            continue
        for status, response in operation.get("responses", {}).items():
            if status not in ("201", "202"):
                continue
            schema = (response.get("content") or {}).get("application/json", {}).get("schema") or {}
            component = schemas.get(schema.get("$ref", "").rsplit("/", 1)[-1], {})
            targets = list(EXTRA_LINKS.get((path, status), []))
            if "id" in component.get("properties", {}):
                targets += _created_id_links(path, paths)
            if component is schemas.get("Job") and JOB_PATH in paths:
                targets.append((JOB_PATH, {"id": "$response.body#/id"}))
            links = response.setdefault("links", {})
            for target, parameters in targets:
                if set(PATH_PARAMETER.findall(target)) - set(parameters):
                    continue  # needs an id this answer does not give
                for target_method, target_operation in paths[target].items():
                    if target_method not in ("get", "put", "patch", "delete", "post") or target_operation is operation:
                        continue
                    operation_id = target_operation["operationId"]
                    links[_link_name(target_method, operation_id)] = {
                        "operationId": operation_id,
                        "parameters": parameters,
                    }
            if not links:
                response.pop("links")
    return result
