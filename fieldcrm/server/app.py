"""The FastAPI application: routers, request limits, error answers, access log."""

from __future__ import annotations

import logging
import time
import uuid
from contextlib import asynccontextmanager

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES

from fieldcrm import __version__
from fieldcrm.server.api.routes import admin, auth, blobs, health, records, sync
from fieldcrm.server.db import Database
from fieldcrm.server.settings import ServerSettings

access_log = logging.getLogger("fieldcrm.server.access")
error_log = logging.getLogger("fieldcrm.server.error")


class BodyLimit:
    """Refuses request bodies over the limit with 413, before reading them all."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        too_big = JSONResponse({"detail": f"request too large (limit {self.max_bytes} bytes)"}, status_code=413)
        if declared is not None:
            try:
                if int(declared) > self.max_bytes:
                    return await too_big(scope, receive, send)
            except ValueError:
                return await JSONResponse({"detail": "bad Content-Length"}, status_code=400)(scope, receive, send)
        if declared is not None:
            return await self.app(scope, receive, send)
        # No declared length (chunked): read up to the limit here, then hand
        # the body on, so an oversized stream is refused before any route runs.
        body, more = bytearray(), True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                return await too_big(scope, receive, send)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class AccessLog:
    """One JSON line per request: method, path, status, milliseconds, client.

    A plain ASGI middleware: it only watches the response start go by, so a
    request costs no extra task or body copy.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500

        async def watch(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            client = scope.get("client")
            access_log.info(orjson.dumps({
                "method": scope["method"], "path": scope["path"], "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "client": client[0] if client else None,
            }).decode())


def _first_problem(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "the request is not valid"
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    message = first.get("msg", "is not valid")
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return f"{where}: {message}{more}" if where else f"{message}{more}"


def create_app(settings: ServerSettings, db: Database | None = None) -> FastAPI:
    database = db or Database(settings.db_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        database.dispose()

    app = FastAPI(title="fieldcrm server", version=__version__, lifespan=lifespan)
    app.state.settings = settings
    app.state.db = database

    for module in (health, auth, sync, blobs, records, admin):
        app.include_router(module.router)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        return JSONResponse({"detail": _first_problem(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        return JSONResponse({"detail": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        reference = uuid.uuid4().hex[:12]
        error_log.exception("internal error %s on %s %s", reference, request.method, request.url.path)
        return JSONResponse({"detail": f"internal error, reference {reference}"}, status_code=500)

    app.add_middleware(AccessLog)
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    # Only for laptops that ask (Accept-Encoding: gzip — those across a real
    # network); level 1: most of the size gain for little CPU. Attachment
    # content (octet-stream) is mostly photos, already compressed: it goes
    # as it is, with its Content-Length, so a download shows its progress.
    app.add_middleware(
        GZipMiddleware, minimum_size=4096, compresslevel=1,
        exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, "application/octet-stream"),
    )
    return app


def app_from_env() -> FastAPI:
    """The factory uvicorn workers call: settings come from the environment."""
    return create_app(ServerSettings.from_env())
