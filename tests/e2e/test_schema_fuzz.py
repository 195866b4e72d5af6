"""schemathesis against a live server: every documented operation, valid and invalid inputs, on both
engines. No answer may be a 500, and every answer must match the document (status, content type,
headers, JSON body schema).

The examples per operation are bounded so the whole module stays within a couple of minutes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from stockgate.domain.throttle import RateLimit
from stockgate.http.app import api_document
from stockgate.services.admin_access import create_admin_token
from tests.conftest import ENGINES
from tests.support.seeded import Seeded, seeded_database
from tests.support.server_process import running_stockgate

EXAMPLES = {GenerationMode.POSITIVE: 15, GenerationMode.NEGATIVE: 10}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
DOCUMENT = api_document()
# Invalid input needs some input: operations without parameters or body are only tried with valid calls.
CASES = [
    (method.upper(), path, mode)
    for path, methods in DOCUMENT["paths"].items()
    for method, spec in methods.items()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode == GenerationMode.POSITIVE or spec.get("parameters") or spec.get("requestBody")
]


@dataclass
class Live:
    base_url: str
    seeded: Seeded
    admin_token: str

    def credentials(self, method: str, path: str) -> dict[str, Any]:
        """Basic credentials for the ghost API, the bearer token where the document asks for it."""
        security = DOCUMENT["paths"][path][method.lower()].get("security", DOCUMENT["security"])
        if any("adminBearer" in requirement for requirement in security):
            return {"headers": {"Authorization": f"Bearer {self.admin_token}"}}
        return {"auth": self.seeded.shop.auth}


@pytest.fixture(scope="module", params=ENGINES)
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    # No rate limit for the fuzzing shop: otherwise most answers would be a (correct, dull) 429.
    with (
        seeded_database(request, tmp_path_factory.mktemp("fuzz"), rate_limit=RateLimit(0)) as seeded,
        running_stockgate(seeded.url, env={"STOCKGATE_LOG_LEVEL": "WARNING"}) as server,
    ):
        token = create_admin_token(seeded.runtime.db, name="schemathesis").token
        yield Live(server.base_url, seeded, token)


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path", "mode"), CASES, ids=[f"{m} {p} {g.value}" for m, p, g in CASES])
def test_live_server_conforms_to_its_document(
    live: Live, method: str, path: str, mode: GenerationMode
) -> None:
    base = live.base_url
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    operation = schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def conforms(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=base, checks=CHECKS, timeout=60, **live.credentials(method, path))

    try:
        conforms()
    except Unsatisfiable:
        # Some inputs admit no invalid form (a path parameter that is any string): nothing to try.
        assert mode == GenerationMode.NEGATIVE
