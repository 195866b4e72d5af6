"""Lockouts and rate limits in the admin API's part of the OpenAPI document (see admin_abuse.py)."""

from __future__ import annotations

from typing import Any

from stockgate.http.openapi import JSON, Schema, ref
from stockgate.http.openapi_admin import PROBLEMS, SECURITY
from stockgate.http.openapi_admin_schemas import ID, INSTANT, TEXT, exact, loose, nullable

LOCKOUT = exact(
    {
        "key_hash_prefix": TEXT,
        "account_id": nullable(ID),
        "email": nullable(TEXT),
        "failures": {"type": "integer", "minimum": 1},
        "locked_until": INSTANT,
    }
)
RATE_LIMIT = exact(
    {
        "account_id": ID,
        "default": {"type": "boolean"},
        "unlimited": {"type": "boolean"},
        "burst": {"type": "integer", "minimum": 0},
        "per_second": {"type": "number", "minimum": 0},
    }
)
RATE_LIMIT_IN = loose(
    {
        "burst": {"type": "integer", "minimum": 0, "maximum": 1_000_000},
        "per_second": {"type": "number", "minimum": 0.001, "maximum": 1_000_000},
        "default": {"type": "boolean"},
    }
)


def _op(summary: str, schema: str, errors: tuple[str, ...], **extra: Any) -> Schema:
    ok = {"200": {"description": "OK", "content": {JSON: {"schema": ref(schema)}}}}
    problems = {code: PROBLEMS[code] for code in ("401", *errors)}
    return {
        "summary": summary,
        "tags": ["admin"],
        "security": SECURITY,
        "responses": {**ok, **problems},
        **extra,
    }


def abuse_section(prefix: str = "/admin/api/v1") -> dict[str, Any]:
    account = {
        "name": "account_id",
        "in": "path",
        "required": True,
        "schema": ID,
        "description": "The account's id.",
    }
    return {
        "paths": {
            f"{prefix}/lockouts": {
                "get": _op("API keys locked out after failed authentications", "LockoutList", ())
            },
            f"{prefix}/accounts/{{account_id}}/lockout": {
                "delete": _op(
                    "Lift the lockout of the account's key", "LockoutReleased", ("404",), parameters=[account]
                )
            },
            f"{prefix}/accounts/{{account_id}}/rate-limit": {
                "get": _op("The account's rate limit", "RateLimit", ("404",), parameters=[account]),
                "put": _op(
                    'Give the account its own limit (burst 0: none), or {"default": true}',
                    "RateLimit",
                    ("400", "404"),
                    parameters=[account],
                    requestBody={"required": True, "content": {JSON: {"schema": RATE_LIMIT_IN}}},
                ),
            },
        },
        "schemas": {
            "Lockout": LOCKOUT,
            "LockoutList": exact({"items": {"type": "array", "items": ref("Lockout")}}),
            "LockoutReleased": exact({"account_id": ID, "released": {"type": "integer", "minimum": 0}}),
            "RateLimit": RATE_LIMIT,
        },
    }
