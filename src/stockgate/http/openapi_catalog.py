"""The catalog endpoints (E1, E12, E13; ghost-api.md section 5) in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from stockgate.http.openapi import JSON, XML, Schema, error_responses, obj, operation, ref, text

KEYED_JSON: Schema = {
    "type": "array",
    "items": obj({"key": {"type": "string"}, "value": {"type": "string"}}, ["key", "value"], exact=True),
}
KEYED_XML: Schema = obj(
    {
        "value": {
            "type": "array",
            "xml": {"wrapped": False},
            "items": obj({"key": {"type": "string", "xml": {"attribute": True}}}, xml={"name": "value"}),
        }
    },
    xml={"name": "wrapper"},
)
EXPORT_JSON: Schema = obj(
    {
        "pageItems": {"type": "array", "items": {"type": "object"}},
        "totalItems": {"type": "integer", "minimum": 0},
        "lastUpdate": {"type": "string"},
    },
    ["pageItems", "totalItems"],
)
EXPORT_XML: Schema = obj(
    {"totalNumberOfElements": {"type": "integer", "xml": {"attribute": True}}}, xml={"name": "page"}
)

EXPORT_QUERY: list[Schema] = [
    {
        "name": "acceptedlocales",
        "in": "query",
        "required": True,
        "description": "Comma-separated locales, such as en_US,it_IT (the name's case does not matter).",
        "schema": {"type": "string", "pattern": r"^[A-Za-z_]+(,[A-Za-z_]+)*$"},
    },
    {"name": "v", "in": "query", "schema": {"type": "string", "enum": ["TEAL", "LEGACY"]}},
    {
        "name": "since",
        "in": "query",
        "description": "ISO-8601 instant or epoch milliseconds: only products changed since (412 when "
        "older than the incremental window). Filters tag_1, tag_4, tag_5, tag_11, tag_13, tag_26 "
        "(brand, category, subcategory, season, color, gender) may be added as tag_<id>=<value>.",
        "schema": {"type": "string"},
    },
]


def _export(media_type: str, schema: Schema) -> Schema:
    return operation(
        "E1: the catalog, streamed (gzip when accepted); full exports are limited per hour",
        {
            "200": {"description": "The catalog.", "content": {media_type: {"schema": schema}}},
            **error_responses("400", "401", "429"),
            "412": text("`since` is older than the incremental window."),
        },
        parameters=EXPORT_QUERY,
    )


def catalog_section() -> dict[str, Any]:
    keyed = {
        "200": {
            "description": "Key and value pairs.",
            "content": {JSON: {"schema": ref("KeyedValuesJson")}, XML: {"schema": ref("KeyedValuesXml")}},
        },
        **error_responses("401", "406", "429"),
    }
    return {
        "paths": {
            "/restful/export/api/products.xml": {"get": _export(XML, EXPORT_XML)},
            "/restful/export/api/products.json": {"get": _export(JSON, EXPORT_JSON)},
            "/restful/export/locales": {"get": operation("E12: the locales the catalog carries", keyed)},
            "/restful/export/tags": {"get": operation("E13: the tag values in use", keyed)},
        },
        "schemas": {"KeyedValuesJson": KEYED_JSON, "KeyedValuesXml": KEYED_XML},
    }
