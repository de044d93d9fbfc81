"""Run the service on a free local port in a background thread (for the demo, tests and
benchmarks): a real uvicorn server speaking HTTP over TCP, stopped on exit."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

__all__ = ["BackgroundServer"]


class BackgroundServer:
    """``with BackgroundServer(app) as url: ...`` serves ``app`` at ``url`` until the block ends."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, timeout: float = 20.0) -> None:
        import uvicorn

        if port == 0:
            with socket.socket() as s:
                s.bind((host, 0))
                port = s.getsockname()[1]
        self.url = f"http://{host}:{port}"
        self._server = uvicorn.Server(uvicorn.Config(app, host=host, port=port,
                                                     access_log=False, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._timeout = timeout

    def __enter__(self) -> str:
        self._thread.start()
        deadline = time.monotonic() + self._timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the service did not start at {self.url}")
            time.sleep(0.02)
        return self.url

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._server.should_exit = True
        self._thread.join(self._timeout)
