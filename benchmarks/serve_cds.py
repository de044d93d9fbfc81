"""The service under load: CDS Hooks patient-view latency at N concurrent requests.

    .venv/bin/python benchmarks/serve_cds.py [--concurrency 50] [--requests 1000] [--dir DIR]

Builds the SYNTHETIC demo (store + sepsis model) in DIR (a temporary one by default), starts
``osler serve`` in its own process, and drives it over HTTP from this one with httpx at the
given concurrency, cycling over every synthetic patient with an ICU stay (cards and no cards).
Peers in the same run:
  health      GET /health at the same concurrency: the HTTP + framework floor
  in-process  store.patient + icu_stays + SepsisMonitor.assess called directly, one at a time:
              the work a hook call cannot avoid, without HTTP or concurrency
The ANCHORS goal (CDS Hooks): p99 <= 100 ms at 50 concurrent requests on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OSLER = str(Path(sys.executable).with_name("osler"))


def _prepare(out: Path, n_patients: int) -> list[str]:
    if not (out / "models" / "sepsis" / "manifest.json").exists():
        from osler.pipelines.demo import run_demo
        run_demo(out, n_patients=n_patients, seed=0, train=True)
    with (out / "synthetic" / "labels.csv").open() as fh:
        return [r["patient_id"] for r in csv.DictReader(fh)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _load(url: str, token: str, patients: list[str], n: int, concurrency: int,
                path: str | None = None) -> tuple[np.ndarray, float, int]:
    import httpx

    latencies: list[float] = []
    cards = 0
    queue = iter(range(n))
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal cards
        for i in queue:
            pid = patients[i % len(patients)]
            t = time.perf_counter()
            if path:
                r = await client.get(f"{url}{path}")
            else:
                r = await client.post(f"{url}/cds-services/osler-sepsis", headers=headers, json={
                    "hook": "patient-view", "hookInstance": f"b{i}",
                    "context": {"patientId": pid, "userId": "Practitioner/bench"}})
            latencies.append(time.perf_counter() - t)
            r.raise_for_status()
            cards += bool(path is None and r.json()["cards"])

    async with httpx.AsyncClient(limits=limits, timeout=120) as client:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        wall = time.perf_counter() - t0
    return np.array(latencies) * 1000, wall, cards


def _in_process(out: Path, patients: list[str], n: int) -> np.ndarray:
    from osler.features import icu_stays
    from osler.pipelines._sepsis_stream import SepsisMonitor
    from osler.store import open_store

    monitor = SepsisMonitor(out / "models" / "sepsis")
    times = []
    with open_store(out / "osler.duckdb", read_only=True) as store:
        for i in range(n):
            t = time.perf_counter()
            monitor.assess(icu_stays(store.patient(patients[i % len(patients)]))[-1])
            times.append(time.perf_counter() - t)
    return np.array(times) * 1000


def _row(name: str, ms: np.ndarray, wall: float | None) -> str:
    q = np.percentile(ms, [50, 95, 99])
    rps = f"{len(ms) / wall:.0f}" if wall else "-"
    return (f"| {name} | {len(ms)} | {q[0]:.1f} | {q[1]:.1f} | {q[2]:.1f} | {ms.max():.1f} | "
            f"{rps} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--patients", type=int, default=1500, help="synthetic patients to generate")
    ap.add_argument("--dir", type=Path, help="reuse/keep the synthetic demo here")
    args = ap.parse_args()
    out = args.dir or Path(tempfile.mkdtemp(prefix="osler-serve-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    patients = _prepare(out, args.patients)
    inproc = _in_process(out, patients, min(args.requests, 300))

    from osler.serve.walkthrough import demo_config
    config, token = demo_config(out)
    port = _free_port()
    audit = out / "bench-audit.jsonl"   # a fresh log (and key) per run
    for stale in (audit, Path(f"{audit}.key"), Path(f"{audit}.lock")):
        stale.unlink(missing_ok=True)
    proc = subprocess.Popen([OSLER, "serve", "--db", config.db, "--model",
                             f"sepsis={config.models['sepsis']}", "--users", str(config.users),
                             "--audit", str(audit), "--port", str(port)],
                            stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        import httpx
        for _ in range(200):
            if proc.poll() is not None:
                raise SystemExit(f"osler serve did not start:\n{proc.stderr.read()}")
            try:
                httpx.get(f"{url}/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        asyncio.run(_load(url, token, patients, 50, 5))   # warm-up
        health, h_wall, _ = asyncio.run(_load(url, token, patients, args.requests,
                                              args.concurrency, path="/health"))
        hook, k_wall, cards = asyncio.run(_load(url, token, patients, args.requests,
                                                args.concurrency))
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"# {len(patients)} synthetic ICU patients, {args.requests} requests each at "
          f"concurrency {args.concurrency}; {cards} of the hook calls returned a card; "
          f"cpus {os.cpu_count()}, load {os.getloadavg()[0]:.1f}")
    print("| requests | n | p50 ms | p95 ms | p99 ms | max ms | req/s |")
    print("|---|---|---|---|---|---|---|")
    print(_row(f"CDS Hooks patient-view, {args.concurrency} concurrent", hook, k_wall))
    print(_row(f"GET /health, {args.concurrency} concurrent (peer: HTTP floor)", health, h_wall))
    print(_row("in-process store.patient + icu_stays + assess, sequential (peer: the work)",
               inproc, None))
    print(f"\nhook throughput / in-process rate: "
          f"{(len(hook) / k_wall) / (1000 / np.mean(inproc)):.2f}x; hook p99 / 100 ms goal: "
          f"{np.percentile(hook, 99) / 100:.1f}x")


if __name__ == "__main__":
    main()
