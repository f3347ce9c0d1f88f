"""Which reverse proxies may tell Claimbook how a request reached them (X-Forwarded-Proto).

Django believes SECURE_PROXY_SSL_HEADER from whoever sends it, and gunicorn passes the
header on from every client (it checks ``forwarded_allow_ips`` only for its own
``wsgi.url_scheme``). So ``TrustedProxyMiddleware`` drops the header unless the peer is a
trusted proxy, under gunicorn, runserver or any other server alike; config/gunicorn.py
applies the same rule to ``forwarded_allow_ips``.

The rule: with CLAIMBOOK_PROXY_COUNT=0 (no proxy, the default) no peer is trusted; with
proxies, the peers in FORWARDED_ALLOW_IPS are (addresses or networks, comma-separated;
default 127.0.0.1 and ::1, a proxy on the same host).
"""

import ipaddress

from django.conf import settings

from claims.conf import claimbook_settings

LOOPBACK = "127.0.0.1,::1"


def trusted_networks(raw: str | None, *, proxy_count: int) -> tuple:
    """The networks whose peers may set forwarded headers; ValueError names what is wrong."""
    if proxy_count <= 0:
        if raw and raw.strip():
            raise ValueError(
                f"FORWARDED_ALLOW_IPS is set ({raw!r}) but CLAIMBOOK_PROXY_COUNT is 0: set CLAIMBOOK_PROXY_COUNT "
                "to the number of reverse proxies in front of Claimbook, or unset FORWARDED_ALLOW_IPS."
            )
        return ()
    networks = []
    for item in (raw if raw is not None and raw.strip() else LOOPBACK).split(","):
        item = item.strip()
        if not item:
            continue
        if item == "*":
            raise ValueError(
                "FORWARDED_ALLOW_IPS='*' would let every client say it came over HTTPS: list the proxies' "
                "addresses or networks instead, e.g. 10.0.0.2 or 172.16.0.0/12."
            )
        try:
            networks.append(ipaddress.ip_network(item))
        except ValueError:
            raise ValueError(
                f"FORWARDED_ALLOW_IPS must list IP addresses or networks (e.g. 127.0.0.1,10.0.0.0/8), got {item!r}."
            ) from None
    return tuple(networks)


def is_trusted(address: str | None, networks) -> bool:
    if not networks:
        return False
    if not address:
        return True  # a UNIX socket: only a process on this host can connect, as gunicorn also trusts it
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


class TrustedProxyMiddleware:
    """Forget the scheme header (SECURE_PROXY_SSL_HEADER) of a request that did not come from
    a trusted proxy, before SecurityMiddleware asks ``request.is_secure()``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = settings.SECURE_PROXY_SSL_HEADER
        trusted = claimbook_settings.TRUSTED_PROXIES
        if header and header[0] in request.META and not is_trusted(request.META.get("REMOTE_ADDR"), trusted):
            del request.META[header[0]]
        return self.get_response(request)
