"""claims.conf: the CLAIMBOOK settings with their defaults, read through one accessor."""

import ipaddress
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from claims.conf import DEFAULTS, ClaimbookSettings, claimbook_settings

KEYS = "MAX_SOURCE_CHARS, ANON_THROTTLE_RATE, ORGANIZATION_NAME, ORGANIZATION_URL, MAX_CANDIDATES_PER_SOURCE, " \
       "MAX_API_BODY_BYTES, TRUSTED_PROXIES, SEARCH_CACHE_SECONDS, WEBHOOK_RETRY_SCHEDULE, WEBHOOK_TIMEOUT_SECONDS, " \
       "WEBHOOK_LEASE_SECONDS, WEBHOOK_ALLOW_PRIVATE"  # fmt: skip


def readme_defaults() -> dict[str, str]:
    """The README's configuration table: variable -> its default cell."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([A-Z_]+)` \| ([^|]*) \|", readme, re.M)
    return {name: default.strip() for name, default in rows}


@pytest.mark.parametrize("key", [key for key in DEFAULTS if key != "TRUSTED_PROXIES"])  # from FORWARDED_ALLOW_IPS
def test_the_readme_gives_each_setting_the_default_claimbook_uses(key):
    documented = readme_defaults()[f"CLAIMBOOK_{key}"]
    default = DEFAULTS[key]
    if default == "":
        assert documented.startswith("empty")
    else:
        assert re.match(r"`([^`]*)`", documented).group(1) == str(default)


def test_every_default_is_a_typed_attribute_of_the_accessor():
    assert list(ClaimbookSettings.__annotations__) == list(DEFAULTS)


def test_the_project_settings_set_every_key_and_no_other():
    from django.conf import settings

    assert list(settings.CLAIMBOOK) == list(DEFAULTS)


@pytest.mark.parametrize("key", list(DEFAULTS))
def test_without_a_claimbook_dict_every_setting_is_its_default(settings, key):
    del settings.CLAIMBOOK
    claimbook_settings.reload()  # deleting a setting sends no setting_changed (pytest-django, as Django's own)
    assert getattr(claimbook_settings, key) == DEFAULTS[key]


def test_a_key_the_project_leaves_out_takes_its_default():
    with override_settings(CLAIMBOOK={"MAX_SOURCE_CHARS": 10}):
        assert claimbook_settings.MAX_SOURCE_CHARS == 10
        assert claimbook_settings.ORGANIZATION_NAME == "Claimbook"
        assert claimbook_settings.MAX_API_BODY_BYTES == 1024 * 1024


def test_override_settings_is_seen_at_once_and_undone_on_leaving():
    before = claimbook_settings.MAX_CANDIDATES_PER_SOURCE
    with override_settings(CLAIMBOOK={"MAX_CANDIDATES_PER_SOURCE": 7, "ANON_THROTTLE_RATE": None}):
        assert (claimbook_settings.MAX_CANDIDATES_PER_SOURCE, claimbook_settings.ANON_THROTTLE_RATE) == (7, None)
    after = claimbook_settings.MAX_CANDIDATES_PER_SOURCE
    assert after == before


def test_the_settings_fixture_is_seen_like_override_settings(settings):
    trusted = (ipaddress.ip_network("10.0.0.2"),)
    settings.CLAIMBOOK = {
        **settings.CLAIMBOOK,
        "ORGANIZATION_URL": "https://claimbook.example",
        "TRUSTED_PROXIES": trusted,
    }
    read = (claimbook_settings.ORGANIZATION_URL, claimbook_settings.TRUSTED_PROXIES)
    assert read == ("https://claimbook.example", trusted)


def test_other_settings_changing_keep_what_was_read():
    claimbook_settings.reload()
    claimbook_settings.MAX_SOURCE_CHARS  # noqa: B018
    with override_settings(DEBUG=True):
        assert vars(claimbook_settings)["MAX_SOURCE_CHARS"] == DEFAULTS["MAX_SOURCE_CHARS"]


def test_a_key_claimbook_does_not_know_is_refused_naming_it():
    with override_settings(CLAIMBOOK={"CONTEXT_LENGTH": 32}), pytest.raises(ImproperlyConfigured) as refused:
        claimbook_settings.MAX_SOURCE_CHARS  # noqa: B018
    assert str(refused.value) == (
        f"CLAIMBOOK has a key Claimbook does not know: 'CONTEXT_LENGTH'. Its keys are {KEYS} (claims/conf.py)."
    )


def test_several_unknown_keys_are_named_together_in_order():
    typos = {"MAX_SOURCE_CHAR": 10, "ANON_THROTTLE": "1/second", "MAX_SOURCE_CHARS": 10}
    with override_settings(CLAIMBOOK=typos), pytest.raises(ImproperlyConfigured) as refused:
        claimbook_settings.MAX_SOURCE_CHARS  # noqa: B018
    assert str(refused.value) == (
        f"CLAIMBOOK has keys Claimbook does not know: 'ANON_THROTTLE', 'MAX_SOURCE_CHAR'. Its keys are {KEYS} "
        "(claims/conf.py)."
    )


def test_asking_for_a_setting_that_does_not_exist_is_an_attribute_error():
    with pytest.raises(AttributeError) as refused:
        claimbook_settings.CONTEXT_LENGTH  # noqa: B018
    assert str(refused.value) == "'CONTEXT_LENGTH' is not a Claimbook setting."


def test_the_api_reads_its_body_limit_through_the_accessor(settings, editor_api):
    from claims.models import Claim

    settings.CLAIMBOOK = {**settings.CLAIMBOOK, "MAX_API_BODY_BYTES": 10}
    response = editor_api.post("/api/claims/", {"statement": "eleven+ bytes"}, format="json")
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is larger than 10 bytes; nothing was read or written.",
        "code": "payload_too_large",
    }
    assert not Claim.objects.exists()


def test_an_unknown_key_stops_start_up_not_the_first_request(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    (tmp_path / "typo_settings.py").write_text(
        "from tests.settings import *  # noqa: F403\nCLAIMBOOK = {**CLAIMBOOK, 'MAX_SOURCE_CHAR': 10}  # noqa: F405\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "typo_settings", "PYTHONPATH": f"{tmp_path}{os.pathsep}{root}"}
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=root, env=env, capture_output=True, text=True
    )
    assert started.returncode == 1
    assert started.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: CLAIMBOOK has a key Claimbook does not know: "
        f"'MAX_SOURCE_CHAR'. Its keys are {KEYS} (claims/conf.py)."
    )
