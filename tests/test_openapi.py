"""Schemathesis against /openapi.json, in-process: no 5xx, every response matches the schema."""

from __future__ import annotations

import schemathesis
from hypothesis import settings

from myoguide.web import create_app

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())
# A schema cannot list the passwords refused as common, leaked or made of the user name, so
# a registration that fits the schema may still be a 422 naming the password.
SCHEMA_CANNOT_SAY = {
    ("POST", "/api/v1/diary/account"): [schemathesis.checks.positive_data_acceptance]
}


@schema.parametrize()
@settings(max_examples=25, deadline=None)
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    # Every built-in check: no 5xx, documented status codes and content types, bodies that
    # match their schema, invalid requests rejected and valid ones accepted.
    excluded = SCHEMA_CANNOT_SAY.get((case.method.upper(), case.path), [])
    case.call_and_validate(excluded_checks=excluded)
