"""Webhooks as the Standard Webhooks specification says: the secret, the payload, the signed
headers, which addresses an endpoint may have, when a failed delivery is tried again, and one
POST. No ORM here: claims/services.py keeps the outbox, claims/tasks.py runs the worker's side.
"""

from __future__ import annotations

import base64
import ipaddress
import random
import re
import secrets
import socket
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import orjson
import requests
from django.core.exceptions import ImproperlyConfigured, ValidationError
from standardwebhooks.webhooks import Webhook

# The event kinds an endpoint may subscribe to, and the Standard Webhooks "type" each is sent as.
EVENT_TYPES = {"published": "claim.published", "updated": "claim.updated", "withdrawn": "claim.withdrawn"}
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 24
JITTER = 0.1  # each wait is lengthened by up to this fraction, so endpoints that failed together do not retry together
USER_AGENT = "Claimbook-Webhooks/1"
DURATION = re.compile(r"(?P<amount>[0-9]+)(?P<unit>[smhd])")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def new_secret() -> str:
    """A signing secret: ``whsec_`` and 24 random bytes in base64 (what the reference library reads)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def new_msg_id() -> str:
    """The ``webhook-id`` of one delivery, the same for every attempt of it."""
    return f"msg_{uuid.uuid4().hex}"


def payload_for(
    *, kind: str, seq: int, claim_id: int, status: str, at: datetime, claim: Any, now: datetime
) -> dict[str, Any]:
    """The body of one event: its type and time, and the change feed's item for it in ``data``."""
    return {
        "type": EVENT_TYPES[kind],
        "timestamp": now.isoformat().replace("+00:00", "Z"),
        "data": {
            "seq": seq,
            "event": kind,
            "claim_id": claim_id,
            "status": status,
            "at": at.isoformat().replace("+00:00", "Z"),
            "claim": claim,
        },
    }


def body_of(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact JSON, keys in the stored order."""
    return orjson.dumps(payload)


def signed_headers(*, secret: str, msg_id: str, body: bytes, now: datetime) -> dict[str, str]:
    """The Standard Webhooks headers for one attempt, signed with the reference library."""
    signature = Webhook(secret).sign(msg_id=msg_id, timestamp=now, data=body)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


# -- when to try again -----------------------------------------------------------------------


def parse_schedule(text: str, *, setting: str = "WEBHOOK_RETRY_SCHEDULE") -> tuple[int, ...]:
    """``"5s 5m 30m 2h"`` -> seconds to wait after each failed attempt (commas may separate them too)."""
    items = [item for item in re.split(r"[\s,]+", text.strip()) if item]
    waits = []
    for item in items:
        match = DURATION.fullmatch(item)
        if match is None or int(match["amount"]) == 0:
            raise ImproperlyConfigured(
                f'CLAIMBOOK[{setting!r}] must list waits such as "5s 5m 30m 2h 5h 10h 10h" (a positive whole '
                f"number and s, m, h or d each), got {item!r} in {text!r}."
            )
        waits.append(int(match["amount"]) * UNIT_SECONDS[match["unit"]])
    if not waits:
        raise ImproperlyConfigured(f'CLAIMBOOK[{setting!r}] must list at least one wait, e.g. "5s 5m 30m".')
    return tuple(waits)


def retry_delay(attempts: int, schedule: Sequence[int], *, rand: Callable[[], float] = random.random) -> float | None:
    """Seconds to wait after the ``attempts``-th failed attempt, jitter included; None when the
    schedule is spent and the delivery has failed for good."""
    if attempts < 1 or attempts > len(schedule):
        return None
    wait = schedule[attempts - 1]
    return wait * (1 + JITTER * rand())


def retry_span(schedule: Sequence[int]) -> int:
    """Seconds from the first attempt to the last (without jitter): how long an endpoint may be down."""
    return sum(schedule)


# -- which addresses an endpoint may have ----------------------------------------------------


def _refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for kind, flag in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved or address.is_unspecified or not address.is_global),
    ):
        if flag:
            return kind
    return None


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (an IP literal resolves to itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def check_url(url: str, *, allow_private: bool, resolver: Callable[[str, int], list[str]] = resolve) -> None:
    """Refuse (ValidationError) a URL that is not http(s) or whose host resolves to an address
    inside the network: loopback, private, link-local, multicast or reserved."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise ValidationError(
            "A webhook URL must start with http:// or https://, got %(url)s.",
            code="webhook_scheme",
            params={"url": url},
        )
    host = parts.hostname
    if not host:
        raise ValidationError("The webhook URL %(url)s names no host.", code="webhook_no_host", params={"url": url})
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = resolver(host, port)
    except (OSError, ValueError, UnicodeError) as exc:
        raise ValidationError(
            "The webhook host %(host)s does not resolve (%(reason)s); expected a host name with a public address.",
            code="webhook_unresolvable",
            params={"host": host, "reason": exc},
        ) from None
    for address in addresses:
        kind = _refusal(ipaddress.ip_address(address.split("%")[0]))
        if kind is not None:
            raise ValidationError(
                "The webhook host %(host)s resolves to %(address)s, a %(kind)s address; webhooks are sent only "
                "to public addresses.",
                code="webhook_private_address",
                params={"host": host, "address": address, "kind": kind},
            )


# -- one POST ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What one attempt got: the status (None when no answer came) and why it failed ("" on success)."""

    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST ``body`` to ``url`` without following redirects (a redirect could lead inside the network)."""
    started = time.monotonic()
    try:
        response = requests.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
    except requests.Timeout:
        error, status = f"no answer within {timeout:g} s", None
    except requests.RequestException as exc:
        error, status = f"could not connect: {type(exc).__name__}: {exc}"[:1000], None
    else:
        status = response.status_code
        error = "" if 200 <= status < 300 else f"HTTP {status}; expected a 2xx answer"
        response.close()
    return Answer(status_code=status, error=error, duration_ms=round((time.monotonic() - started) * 1000))
