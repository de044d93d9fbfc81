"""The Osler web service: CDS Hooks, a FHIR-shaped API, model listings and the audit check.

Every patient-level request is authenticated (bearer token), allowed by role, checked against
the patient's consent and written to the hash-chained audit trail (see :mod:`.service`). Run it
with ``osler serve``; uvicorn's access log is off because URLs can carry patient ids.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from osler import __version__
from osler.errors import AccessDenied, ConsentError, DataError
from osler.serve import cds_hooks, fhir_api
from osler.serve.deps import caller, service
from osler.serve.refresh import Refresher
from osler.serve.resources import operation_outcome
from osler.serve.service import NotFound, ServeConfig, Service
from osler.serve.users import Principal

__all__ = ["create_app"]


def create_app(config: ServeConfig) -> FastAPI:
    """Build the app; the store, models and users are loaded now, so errors show at start."""
    svc = Service(config)
    refresher = Refresher(svc)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        refresher.start()
        yield
        refresher.stop()
        svc.close()

    # no /docs or /redoc: their pages load scripts from a CDN; /openapi.json stays for integrators
    app = FastAPI(title="Osler", version=__version__, lifespan=lifespan, docs_url=None,
                  redoc_url=None)
    app.state.service = svc
    app.state.refresher = refresher
    app.include_router(cds_hooks.router)
    app.include_router(fhir_api.router)
    for exc_type, status, code in ((AccessDenied, 403, "forbidden"),
                                   (ConsentError, 403, "suppressed"),
                                   (NotFound, 404, "not-found"),
                                   (DataError, 422, "invalid")):
        app.add_exception_handler(exc_type, _handler(status, code))
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(Exception, _unexpected)

    @app.get("/health", tags=["service"])
    def health() -> JSONResponse:
        """Up and able to answer: 503 while the store cannot be reached, so that whatever
        watches the service sees decision support is off."""
        reachable = svc.store_reachable()
        return JSONResponse({"status": "ok" if reachable else "store unavailable",
                             "version": __version__, "tasks": sorted(svc.monitors),
                             "cache": {"patients": len(svc.cache), **refresher.status}},
                            status_code=200 if reachable else 503)

    @app.get("/models", tags=["service"])
    def models(who: Principal = Depends(caller), s: Service = Depends(service)) -> dict:
        s.allow(who, "models", audit_as="models")
        return {"models": [{"task": t, "fingerprint": m.bundle.fingerprint,
                            "threshold": m.threshold, "features": len(m.names),
                            "versions": m.bundle.versions} for t, m in s.monitors.items()]}

    @app.get("/audit/verify", tags=["service"])
    def audit_verify(who: Principal = Depends(caller), s: Service = Depends(service)) -> dict:
        s.allow(who, "audit", audit_as="audit-verify")
        try:
            result: dict[str, Any] = {"entries": s.audit.verify(), "intact": True}
        except DataError as exc:
            result = {"intact": False, "problem": str(exc)}
        s.audit.record(actor=who.actor, role=who.role, action="audit-verify",
                       outcome="intact" if result["intact"] else "broken")
        return result

    return app


def _error(request: Request, status: int, code: str, text: str,
           headers: dict[str, str] | None = None) -> JSONResponse:
    """An OperationOutcome under /fhir, FastAPI's ``{"detail": ...}`` elsewhere."""
    if request.url.path.startswith("/fhir/"):
        return JSONResponse(operation_outcome(code, text), status_code=status,
                            media_type="application/fhir+json", headers=headers)
    return JSONResponse({"detail": text}, status_code=status, headers=headers)


def _handler(status: int, code: str):
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        return _error(request, status, code, str(exc))
    return handle


_HTTP_CODES = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found",
               405: "not-supported"}


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return _error(request, exc.status_code, _HTTP_CODES.get(exc.status_code, "processing"),
                  str(exc.detail), getattr(exc, "headers", None))


async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    where = "; ".join(f"{'.'.join(map(str, e.get('loc', ())))}: {e.get('msg', '')}"
                      for e in exc.errors()[:5])
    return _error(request, 422, "invalid", f"request does not fit: {where}")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    """Anything else: a bare 500 that tells the caller nothing of the data (details stay in
    the server's own error output, which carries no request data)."""
    import logging
    logging.getLogger("osler.serve").error("internal error: %s", type(exc).__name__)
    return _error(request, 500, "exception", "internal error")
