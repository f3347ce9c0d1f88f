"""Schemathesis against /api/schema/: no 5xx on any generated input, every response as documented."""

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests.factories import UserFactory

CASES = {"anonymous": 0, "editor": 0}
# What "never fails and matches the schema" means here, for schema-valid and schema-violating
# (negative) input alike: negative_data_rejection holds because every query parameter is
# documented with allowEmptyValue ("?q=" counts as absent, as in DRF and django-filter) and
# every bad value is a 400. Not included: positive_data_acceptance (a schema-valid span can
# still lie outside its article, a 400; a schema-valid If-Match is still stale, a 412).
CHECKS = [
    not_a_server_error,
    negative_data_rejection,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
]


@pytest.fixture
def api_schema(db):
    call_command("loaddata", "demo", verbosity=0)
    # Called straight through WSGI, each request would close the test's database connection
    # at its end (and lose the test transaction on PostgreSQL); Django's test client
    # disconnects these handlers for the same reason.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])  # mode="all"
    yield schema
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")

FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)


@schema.parametrize()
@FUZZ
def test_anonymous_calls_never_fail_and_match_the_schema(case):
    from django.core.cache import cache

    CASES["anonymous"] += 1
    # Every operation's cases run in one test: the anonymous rate limit (tested apart) counts each
    # operation's cases afresh, or the last operations get 429s once there are enough of them.
    cache.clear()
    response = case.call()
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_editor_calls_never_fail_and_match_the_schema(case, django_user_model):
    from django.contrib.auth.models import Group

    editor = UserFactory(username="fuzzing-editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    token, _ = Token.objects.get_or_create(user=editor)
    CASES["editor"] += 1
    response = case.call(headers={"Authorization": f"Token {token.key}"})
    # ignored_auth replays with broken credentials but our token header stays: anonymous-only.
    case.validate_response(response, checks=[check for check in CHECKS if check is not ignored_auth])


def test_zz_report_how_many_cases_ran():
    print(f"\nschemathesis cases: {CASES}")
