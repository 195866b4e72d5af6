"""schemathesis against a live server: every documented operation, valid and invalid inputs, on both
engines. No answer may be a 500, and every answer must match the document (status, content type,
headers, JSON body schema).

The examples per operation are bounded so the whole module stays within a couple of minutes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from stockgate.domain.throttle import RateLimit
from stockgate.http.openapi import openapi_document, operations_section
from stockgate.http.openapi_ghost import ghost_section
from tests.conftest import ENGINES
from tests.support.seeded import Seeded, seeded_database
from tests.support.server_process import serving

EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
DOCUMENT = openapi_document(ghost_section(), operations_section())
# Invalid input needs some input: operations without parameters or body are only tried with valid calls.
CASES = [
    (method.upper(), path, mode)
    for path, methods in DOCUMENT["paths"].items()
    for method, spec in methods.items()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode == GenerationMode.POSITIVE or spec.get("parameters") or spec.get("requestBody")
]


@pytest.fixture(scope="module", params=ENGINES)
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Seeded]]:
    # No rate limit for the fuzzing shop: otherwise most answers would be a (correct, dull) 429.
    with (
        seeded_database(request, tmp_path_factory.mktemp("fuzz"), rate_limit=RateLimit(0)) as seeded,
        serving(seeded.url) as base,
    ):
        yield base, seeded


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path", "mode"), CASES, ids=[f"{m} {p} {g.value}" for m, p, g in CASES])
def test_live_server_conforms_to_its_document(
    live: tuple[str, Seeded], method: str, path: str, mode: GenerationMode
) -> None:
    base, seeded = live
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    operation = schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def conforms(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=base, auth=seeded.shop.auth, checks=CHECKS, timeout=60)

    conforms()
