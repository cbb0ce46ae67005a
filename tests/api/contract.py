"""Every response the API tests receive is checked against the OpenAPI schema the API serves:
its operation and status are documented, and a JSON body matches the documented schema.

The schema is OpenAPI 3.0 (`nullable`); `json_schema` turns a component into JSON Schema for
`jsonschema`. Formats are not asserted (dates are strings either way)."""

from __future__ import annotations

import gzip
import json
import re
from functools import cached_property
from typing import Any

import jsonschema

# DRF answers these before any view runs, for any path: the Error shape is still required.
PROTOCOL_ERRORS = {405, 406}
# The schema and its viewer describe the API rather than belong to it.
NOT_IN_CONTRACT = ("/api/schema/", "/api/docs/", "/api/v1/schema/", "/api/v1/docs/")


def _json(response: Any) -> Any:
    content = response.content or b"null"
    if response.get("Content-Encoding") == "gzip":
        content = gzip.decompress(content)
    return json.loads(content)


def _nullable(node: Any) -> Any:
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _nullable(value) for key, value in node.items()}
    if out.pop("nullable", False):
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        if isinstance(out.get("type"), str) and not any(k in out for k in ("allOf", "oneOf", "anyOf", "$ref")):
            out["type"] = [out["type"], "null"]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


class Contract:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.components = _nullable(schema.get("components", {}))

    @cached_property
    def routes(self) -> list[tuple[re.Pattern[str], str]]:
        routes = []
        for template in self.schema["paths"]:
            pattern = re.escape(template)
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern)
            routes.append((re.compile(f"^{pattern}$"), template))
        # Literal segments before parameters: /entries/remove/ is not /entries/{entry_id}/.
        routes.sort(key=lambda route: route[1].count("{"))
        return routes

    def operation(self, path: str, method: str) -> tuple[str | None, dict[str, Any] | None]:
        if path.startswith("/api/") and not path.startswith("/api/v1/"):  # the deprecated alias
            path = "/api/v1/" + path[len("/api/") :]
        for candidate in (path, f"{path}/"):  # routes that take their path with or without the slash
            for pattern, template in self.routes:
                if pattern.match(candidate):
                    return template, self.schema["paths"][template].get(method.lower())
        return None, None

    def validate_body(self, node: dict[str, Any], body: Any, where: str) -> None:
        document = {**_nullable(node), "components": self.components}
        try:
            jsonschema.validate(body, document, cls=jsonschema.Draft7Validator)
        except jsonschema.ValidationError as exc:
            path = "/".join(str(p) for p in exc.absolute_path)
            raise AssertionError(f"{where}: body does not match the schema at '{path}': {exc.message}") from None

    def check(self, method: str, path: str, response: Any, *, accept: str = "") -> None:
        """AssertionError when the response contradicts the schema. The browsable API (a browser's
        Accept: text/html) is not part of the contract."""
        status = response.status_code
        where = f"{method.upper()} {path} -> {status}"
        if not path.startswith("/api/") or path.startswith(NOT_IN_CONTRACT) or status == 304 or method == "OPTIONS":
            return
        if "text/html" in accept and status < 400:
            return
        template, operation = self.operation(path, method)
        content_type = (response.get("Content-Type") or "").split(";")[0].strip()
        error_ref = {"$ref": "#/components/schemas/Error"}
        if operation is None or status in PROTOCOL_ERRORS:
            assert status >= 400, f"{where}: operation not in the schema"
            if status >= 400:
                self.validate_body(error_ref, _json(response), where)
            return
        documented = operation.get("responses", {})
        assert str(status) in documented, f"{where}: status not documented for {method.upper()} {template}"
        if status == 204 or content_type != "application/json":
            declared = documented[str(status)].get("content") or {}
            wildcards = {t.split("/")[0] + "/*" for t in [content_type]}
            known = content_type in declared or bool(wildcards & set(declared)) or not declared
            assert status == 204 or known, f"{where}: {content_type} undeclared"
            return
        media = (documented[str(status)].get("content") or {}).get("application/json")
        assert media is not None, f"{where}: JSON answer but no JSON documented"
        self.validate_body(media.get("schema") or {}, _json(response), where)
