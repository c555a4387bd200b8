"""Where a webhook may go: http(s) only, to public addresses unless the operator allows others.

A target is resolved once, checked, and delivered to the very address that was
checked (``Target.address``): resolving the name again at send time would let
a DNS answer change in between (rebinding) and reach a private service.
Plain Python: no Django, so the check is the same at submit and at delivery.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit


class UnsafeTarget(ValueError):
    """The URL may not be delivered to (scheme, name or address); the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written in the URL: the Host header and the TLS server name
    port: int
    path: str  # path and query, as sent in the request line
    address: str  # the checked IP the connection goes to

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def check_url(url: str) -> tuple[str, str, int, str]:
    """Scheme, host, port and path of a URL a webhook may use, or UnsafeTarget."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeTarget(f"Not a valid URL: {exc}.") from None
    if parts.scheme not in ("http", "https"):
        raise UnsafeTarget("Use an http:// or https:// URL.")
    if not parts.hostname:
        raise UnsafeTarget("The URL has no host name.")
    if parts.username or parts.password:
        raise UnsafeTarget("Put no user name or password in the URL.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def resolve(url: str, *, allow_private: bool) -> Target:
    """Check ``url`` and pick the address to connect to.

    Every address the name resolves to must be public (unless allowed): a name
    with one public and one private address could be steered to the private one.
    Raises UnsafeTarget, or OSError (``socket.gaierror``) when the name does not resolve.
    """
    scheme, host, port, path = check_url(url)
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not allow_private:
        for address in addresses:
            if not ipaddress.ip_address(address).is_global:
                raise UnsafeTarget(
                    f"{host} resolves to a non-public address ({address}); webhooks go to "
                    "public addresses only."
                )
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])


def target_problem(url: str, *, allow_private: bool) -> str | None:
    """Why ``url`` cannot take webhooks, in words; None when it can. Checked at submit."""
    try:
        resolve(url, allow_private=allow_private)
    except UnsafeTarget as exc:
        return str(exc)
    except OSError as exc:  # socket.gaierror and friends
        return f"The host name does not resolve ({exc})."
    return None
