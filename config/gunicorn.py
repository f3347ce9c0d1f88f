"""gunicorn settings for Claimbook (``gunicorn -c config/gunicorn.py config.wsgi``).

Every value can be overridden from the environment with GUNICORN_CMD_ARGS.
"""

import multiprocessing
import os
import sys
from pathlib import Path

# gunicorn reads this file before it puts --chdir on sys.path; config.env is found from here.
_project = str(Path(__file__).resolve().parent.parent)
if _project not in sys.path:
    sys.path.insert(0, _project)

from config.env import env_int  # noqa: E402

# This host only, unless told otherwise: docker-compose.yml sets BIND=0.0.0.0:8000 itself.
bind = os.environ.get("BIND", "127.0.0.1:8000")
# Sync workers: the app is CPU-bound per request and holds a persistent DB connection each.
# One per core plus one: on 2 cores, 3 workers served the claim list faster and with half the
# p99 of the usual 2 x cores + 1 (5), which spent the cores switching between workers.
workers = env_int("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1, minimum=1)
worker_class = "sync"
timeout = 30
graceful_timeout = 30
# Import Claimbook once in the master: a new or recycled worker is a fork, ready at once,
# instead of a second of imports while requests queue behind it (the p99 spikes it caused).
preload_app = True
max_requests = 20000  # recycle workers now and then so no leak can grow without bound
max_requests_jitter = 2000
accesslog = "-"
errorlog = "-"
# Which peers may set X-Forwarded-Proto for wsgi.url_scheme: the rule of config/proxies.py (none
# without CLAIMBOOK_PROXY_COUNT; then FORWARDED_ALLOW_IPS, by default this host); Django checks
# the addresses themselves when the app loads.
_proxies = env_int("CLAIMBOOK_PROXY_COUNT", 0, minimum=0)
forwarded_allow_ips = (os.environ.get("FORWARDED_ALLOW_IPS", "") or "127.0.0.1,::1") if _proxies > 0 else ""
