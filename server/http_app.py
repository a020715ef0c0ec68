"""`cli.py serve`: MCP Streamable HTTP at /mcp and a small read-only JSON API at /api/*, one ASGI app.

Every request passes `Guard` first: the Host must name this server (a loopback name and its port
when bound to loopback) and an Origin, if sent, must be a loopback page or this server itself, so a
web page in the user's browser cannot read the library through DNS rebinding; only GET (and POST to
/mcp, which MCP needs) is served; with a token (required off loopback) every request must carry
`Authorization: Bearer <token>`.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

import anyio.to_thread
from mcp.server.transport_security import TransportSecuritySettings
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from server.mcp_tools import build_mcp_server
from server.service import DEFAULT_MAX_BYTES, Filters, LibraryService, ServiceError

ENV_TOKEN = "PAPERSEARCH_TOKEN"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
MCP_PATH = "/mcp"
log = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Guard:
    """Host, Origin, method and bearer-token checks in front of the whole app."""

    def __init__(self, app: ASGIApp, host: str, port: int, token: str | None):
        self.app, self.port, self.token = app, port, token
        self.loopback = is_loopback(host)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refusal = self.refusal(request)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def refusal(self, request: Request) -> Response | None:
        host = request.headers.get("host", "")
        if not self._host_allowed(host):
            log.warning("Refused a request for Host %r", host)
            return _error(421, f"Host {host!r} is not this server: it answers to 127.0.0.1:{self.port} or "
                               f"localhost:{self.port} (DNS rebinding protection).")
        origin = request.headers.get("origin")
        if origin is not None and not self._origin_allowed(origin, host):
            log.warning("Refused a request from Origin %r", origin)
            return _error(403, f"Requests from the web page at {origin!r} are refused: the library is readable "
                               "only by local programs, not by sites open in a browser.")
        method, path = request.method, request.url.path
        if method not in ("GET", "HEAD", "OPTIONS") and not (path.rstrip("/") == MCP_PATH and method in ("POST", "DELETE")):
            return _error(405, "This server is read-only: the JSON API takes GET; MCP takes POST at /mcp.")
        if self.token is not None:
            given = request.headers.get("authorization", "")
            scheme, _, value = given.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), self.token.encode()):
                response = _error(401, f"A bearer token is required: send `Authorization: Bearer ${ENV_TOKEN}`.")
                response.headers["WWW-Authenticate"] = "Bearer"
                return response
        return None

    def _host_allowed(self, host: str) -> bool:
        if not self.loopback:
            return bool(host)  # bound to another address: the required token is the protection
        name, port = _split_host(host)
        return name in LOOPBACK_NAMES and port in (None, self.port)

    def _origin_allowed(self, origin: str, host: str) -> bool:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        if parts.netloc.lower() == host.lower():
            return True  # this server's own origin
        return self.loopback and is_loopback(parts.hostname)


def _split_host(host: str) -> tuple[str, int | None]:
    host = host.strip().lower()
    if host.startswith("["):
        name, _, rest = host[1:].partition("]")
        port = rest.removeprefix(":")
    else:
        name, _, port = host.partition(":")
    try:
        return name, int(port) if port else None
    except ValueError:
        return name, -1


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def build_http_app(service: LibraryService, host: str = "127.0.0.1", port: int = 8765,
                   token: str | None = None) -> ASGIApp:
    """The app `cli.py serve` runs. `token`: required of every request when given."""
    mcp = build_mcp_server(service)

    def endpoint(path: str, call: Callable[[Request], dict]) -> None:
        async def handle(request: Request) -> Response:
            try:
                data = await anyio.to_thread.run_sync(call, request)
            except ServiceError as error:
                return _error(error.status, str(error))
            except Exception as error:  # noqa: BLE001 — a bug: said plainly, the server keeps answering
                log.exception("Unexpected error in %s", path)
                return _error(500, f"Unexpected {type(error).__name__}: {error}. This is a bug in Papersearch; "
                                   "please report it.")
            return JSONResponse(data, headers={"Cache-Control": "no-store"})

        mcp.custom_route(path, methods=["GET"])(handle)

    endpoint("/api/search", lambda r: service.search(
        _text(r, "q"), _int(r, "k", 10), r.query_params.get("mode", "hybrid"), r.query_params.get("group", "passage"),
        _filters(r), _int(r, "max_bytes", DEFAULT_MAX_BYTES), r.query_params.get("cursor")))
    endpoint("/api/similar", lambda r: service.similar(
        r.query_params.get("like"), r.query_params.get("chunk_id"), r.query_params.get("paper_id"), _int(r, "k", 10),
        r.query_params.get("group", "passage"), _filters(r), _int(r, "max_bytes", DEFAULT_MAX_BYTES),
        r.query_params.get("cursor")))
    endpoint("/api/find_source", lambda r: service.find_source(
        _text(r, "text"), _int(r, "k", 5), _filters(r), _int(r, "max_bytes", DEFAULT_MAX_BYTES),
        r.query_params.get("cursor")))
    endpoint("/api/get", lambda r: service.get(
        r.query_params.get("chunk_id"), r.query_params.get("paper_id"), _int(r, "neighbours", 1),
        _int(r, "max_bytes", DEFAULT_MAX_BYTES)))
    endpoint("/api/status", lambda r: service.status())
    endpoint("/api", lambda r: {"endpoints": {
        "/api/search": "q, k, mode, group, kind, year_from, year_to, venue, topic, read, has_pdf, colour, in_paper, "
                       "in_file, in_folder, tag, max_bytes, cursor",
        "/api/similar": "like | chunk_id | paper_id, k, group, filters, max_bytes, cursor",
        "/api/find_source": "text, k, filters, max_bytes, cursor",
        "/api/get": "chunk_id [neighbours] | paper_id, max_bytes",
        "/api/status": "",
        MCP_PATH: "MCP Streamable HTTP",
    }})
    app = mcp.streamable_http_app(
        streamable_http_path=MCP_PATH, stateless_http=True, json_response=True, host=host,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),  # Guard checks all
    )
    return Guard(app, host, port, token)


def _text(request: Request, name: str) -> str:
    value = request.query_params.get(name)
    if value is None:
        raise ServiceError(f"Give the parameter {name}, e.g. /api/search?{name}=deformable+attention.")
    return value


def _int(request: Request, name: str, default: int) -> int:
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ServiceError(f"{name} must be a whole number, not {value[:40]!r}.") from None


def _bool(request: Request, name: str) -> bool | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    if value.lower() in ("1", "true", "yes"):
        return True
    if value.lower() in ("0", "false", "no"):
        return False
    raise ServiceError(f"{name} must be true or false, not {value[:40]!r}.")


def _filters(request: Request) -> Filters:
    params = request.query_params
    return Filters(params.get("kind"), _optional_int(request, "year_from"), _optional_int(request, "year_to"),
                   params.get("venue"), params.get("topic"), _bool(request, "read"), _bool(request, "has_pdf"),
                   params.get("colour"), params.get("in_paper"), params.get("in_file"), params.get("in_folder"),
                   params.get("tag"))


def _optional_int(request: Request, name: str) -> int | None:
    return _int(request, name, None) if request.query_params.get(name) not in (None, "") else None  # type: ignore[arg-type]
