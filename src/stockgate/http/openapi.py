"""The OpenAPI 3.1 document served at /openapi.json (ghost-api.md, supplier.md section 3).

The document is assembled from sections, each a dict with "paths" and optionally "schemas" and
"securitySchemes": `openapi_ghost.ghost_section()`, `openapi_returns.returns_section()` and
`openapi_admin.admin_section()`. Request bodies are described in both
formats: the JSON shapes, and the XML shapes through OpenAPI's `xml` keyword (attributes, names). Numbers
in requests may arrive as strings (ghost API section 1), so request numbers are "integer or digits".
Response schemas are exact (no unknown keys): schemathesis checks every JSON answer against them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from stockgate import __version__

JSON = "application/json"
XML = "application/xml"
Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def lenient_int(minimum: int = 0) -> Schema:
    return {"anyOf": [{"type": "integer", "minimum": minimum}, {"type": "string", "pattern": r"^\s*\d+\s*$"}]}


def attribute(schema: Schema) -> Schema:
    return {**schema, "xml": {"attribute": True}}


def obj(
    properties: dict[str, Schema], required: Iterable[str] = (), *, exact: bool = False, **extra: Any
) -> Schema:
    schema: Schema = {"type": "object", "properties": properties, "required": list(required), **extra}
    if exact:
        schema["additionalProperties"] = False
    return schema


def text(description: str, schema: Schema | None = None, headers: dict[str, Any] | None = None) -> Schema:
    """A response with a short text/plain body (every error of the ghost API)."""
    response: Schema = {
        "description": description,
        "content": {"text/plain": {"schema": schema or {"type": "string"}}},
    }
    if headers:
        response["headers"] = headers
    return response


def _header(description: str, kind: str = "integer") -> Schema:
    return {"description": description, "schema": {"type": kind}}


RATE_HEADERS = {
    "X-RateLimit-Limit": _header("The account's burst size."),
    "X-RateLimit-Remaining": _header("Requests left in the bucket (approximately, across processes)."),
    "X-RateLimit-Reset": _header("Seconds until the bucket is full again."),
}
ERRORS: dict[str, Schema] = {
    "400": text("Malformed XML/JSON or invalid values (reserve)."),
    "401": text("Authentication failed.", headers={"WWW-Authenticate": _header("Basic realm", "string")}),
    "404": text("Not found, or not yours."),
    "406": text("The Accept header allows neither XML nor JSON."),
    "413": text("The body is larger than the configured limit."),
    "415": text("The body is neither XML nor JSON."),
    "429": text(
        "Rate limited or locked out (with Retry-After); on order creation also any error in the body.",
        headers={"Retry-After": _header("Seconds to wait (rate limiting and lockouts).")},
    ),
}


def error_responses(*statuses: str) -> dict[str, Schema]:
    return {status: ERRORS[status] for status in statuses}


def ok(description: str, json_schema: Schema | None = None, xml_schema: Schema | None = None) -> Schema:
    content: Schema = {}
    if json_schema is not None:
        content[JSON] = {"schema": json_schema}
    if xml_schema is not None:
        content[XML] = {"schema": xml_schema}
        content["text/xml"] = {"schema": xml_schema}
    return {"description": description, "content": content, "headers": RATE_HEADERS}


def body(json_schema: Schema, xml_schema: Schema) -> Schema:
    return {
        "required": True,
        "content": {
            JSON: {"schema": json_schema},
            XML: {"schema": xml_schema},
            "text/xml": {"schema": xml_schema},
        },
    }


ACCEPT = {
    "name": "Accept",
    "in": "query",
    "required": False,
    "description": "Some clients send the Accept header as a query parameter; it counts as the header.",
    "schema": {"type": "string", "enum": [JSON, XML, "text/xml"]},
}


def operation(summary: str, responses: dict[str, Schema], **extra: Any) -> Schema:
    parameters = [ACCEPT, *extra.pop("parameters", [])]
    return {"summary": summary, "parameters": parameters, "responses": responses, **extra}


def operations_section() -> dict[str, Any]:
    """Health, metrics and this document: no credentials."""
    plain = {"200": text("OK")}
    return {
        "paths": {
            "/healthz": {"get": {"summary": "Liveness", "security": [], "responses": plain}},
            "/readyz": {
                "get": {
                    "summary": "Readiness: the database answers",
                    "security": [],
                    "responses": {**plain, "503": text("The database is unreachable.")},
                }
            },
            "/metrics": {
                "get": {
                    "summary": "Prometheus metrics (a bearer token when the server is given one)",
                    "security": [],
                    "responses": {**plain, "401": text("A bearer token is configured and was not given.")},
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1",
                            "content": {JSON: {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        }
    }


def openapi_document(*sections: dict[str, Any]) -> dict[str, Any]:
    """The whole document from its sections (later sections may add paths, never replace them)."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    schemes: dict[str, Any] = {
        "basic": {"type": "http", "scheme": "basic", "description": "API key as user, password as password."}
    }
    for section in sections:
        for path, methods in section.get("paths", {}).items():
            paths.setdefault(path, {}).update(methods)
        schemas.update(section.get("schemas", {}))
        schemes.update(section.get("securitySchemes", {}))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "stockgate",
            "version": __version__,
            "description": "The Rewix ghost wholesale/dropshipping API, served by stockgate. Every ghost "
            "route also answers with a trailing slash; HEAD works wherever GET does.",
        },
        "security": [{"basic": []}],
        "paths": paths,
        "components": {
            "securitySchemes": schemes,
            "schemas": schemas,
        },
    }
