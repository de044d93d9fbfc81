"""Score on arrival: a background thread that warms the service's patient cache at start and
then keeps it current with the store (:meth:`Service.keep_current`).

A chart's view then finds its assessment ready instead of reading and scoring the timeline
while the EHR waits (the CDS Hooks budget is about half a second). The thread takes the same
locks as requests, one patient at a time, so a request waits at most for one patient's scoring.
"""

from __future__ import annotations

import logging
import threading

from osler.serve.cache import freeze_heap
from osler.serve.service import Service

__all__ = ["Refresher"]

_log = logging.getLogger("osler.serve")


class Refresher:
    """Warm (if configured), then every ``refresh_seconds`` bring kept patients up to date."""

    def __init__(self, svc: Service) -> None:
        self.svc = svc
        self.status = {"warm": "off", "warmed": 0, "refreshed": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="osler-refresh", daemon=True)

    def start(self) -> None:
        config = self.svc.config
        if config.cache_patients and (config.warm or config.refresh_seconds > 0):
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        config = self.svc.config
        if config.warm:
            self.status["warm"] = "running"
            try:
                self.status["warmed"] = self.svc.keep_current(self.svc.warm_ids(), self._stop)
                if config.freeze_kept:
                    # one full pass over the warm-up's garbage, then freeze what it kept: the
                    # first full collection under load would walk the whole warmed cache
                    freeze_heap()
                self.status["warm"] = "done"
            except Exception as exc:   # requests still read and score on their own
                self.status["warm"] = "failed"
                _log.error("warming the patient cache failed: %s", type(exc).__name__)
        while config.refresh_seconds > 0 and not self._stop.wait(config.refresh_seconds):
            try:
                self.status["refreshed"] += self.svc.keep_current(stop=self._stop)
            except Exception as exc:   # a store that went away: try again next round
                _log.error("refreshing the patient cache failed: %s", type(exc).__name__)

