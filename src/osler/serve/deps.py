"""FastAPI dependencies: the running :class:`Service` and the authenticated caller."""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from osler.serve.service import Service
from osler.serve.users import Principal

__all__ = ["caller", "service"]

_bearer = HTTPBearer(auto_error=False)


# Both are ``async``: they do no blocking work (a hash and a stat of the users file), and a
# plain ``def`` dependency costs a worker-thread hop on every request.
async def service(request: Request) -> Service:
    return request.app.state.service


async def caller(credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
           svc: Service = Depends(service)) -> Principal:
    """The caller named by the bearer token; 401 without a valid one (audited)."""
    principal = svc.authenticate(credentials.credentials if credentials else None)
    if principal is None:
        svc.audit.record(actor="unknown", role="none", action="authenticate",
                         outcome="denied-token")
        raise HTTPException(401, "a valid bearer token is required",
                            headers={"WWW-Authenticate": "Bearer"})
    return principal
