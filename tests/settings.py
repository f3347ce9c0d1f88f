"""Claimbook's settings for the test suite: config.settings, with a random SECRET_KEY when
none is set, and no cached searches. Tests run with DEBUG off (as Django's test runner does), where Claimbook
refuses to start without a key; this gives each run its own, and the processes the tests
start (gunicorn, manage.py) inherit it."""

import os
import secrets

if not os.environ.get("SECRET_KEY"):
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
# Tests read what they just wrote: public searches are answered fresh, except in the test of the cache.
os.environ.setdefault("CLAIMBOOK_SEARCH_CACHE_SECONDS", "0")

from config.settings import *  # noqa: F403

# Tasks run at once, in the test's own process; the test of the real worker switches its queue to a file.
HUEY = {**HUEY, "immediate": True}  # noqa: F405
