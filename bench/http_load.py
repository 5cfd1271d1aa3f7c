"""HTTP load test of ``claimsift serve`` on 127.0.0.1 (bounded: N clients for D seconds).

Run after `dvc repro`:  .venv/bin/python bench/http_load.py [--clients 8] [--duration 60] [--idle 100]

It measures, in one run on this machine:
1. ``classify_many`` in-process on the same documents (the reference rate);
2. the service (started here as ``claimsift serve``, bound to 127.0.0.1) under ``--clients``
   concurrent clients, each posting one real article per request for ``--duration`` seconds;
3. the same again while ``--idle`` extra connections are held open, half idle and half sending
   a request header one byte every 5 s (reopened whenever the server closes them).

For each phase it prints requests/s, body sentences/s, p50/p95/p99 latency and error counts
(5xx, other non-200, connection errors, timeouts). Documents: the seed article plus real
GUM/OSE documents from data/raw, as bench/throughput.py.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import real_documents  # noqa: E402

import claimsift  # noqa: E402
from claimsift import Classifier  # noqa: E402


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    sentences: int = 0
    http_5xx: int = 0
    http_other: int = 0
    conn_errors: int = 0
    timeouts: int = 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(model: str, port: int, precision: str) -> subprocess.Popen:
    src = str(Path(claimsift.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-m", "claimsift.cli", "serve", "--model", model, "--host", "127.0.0.1",
                             "--port", str(port), "--precision", precision], env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("server did not become ready")


async def client(url: str, docs, start: int, step: int, stop_at: float, stats: Stats) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        k = start
        while time.monotonic() < stop_at:
            doc_id, text = docs[k % len(docs)]
            k += step
            t0 = time.perf_counter()
            try:
                r = await http.post(url, json={"documents": [{"id": doc_id, "text": text}]})
            except httpx.TimeoutException:
                stats.timeouts += 1
                continue
            except httpx.TransportError:
                stats.conn_errors += 1
                continue
            if r.status_code == 200:
                stats.latencies.append(time.perf_counter() - t0)
                stats.sentences += sum(s["body"] for s in r.json()["documents"][0]["segments"])
            elif r.status_code >= 500:
                stats.http_5xx += 1
            else:
                stats.http_other += 1


async def holder(port: int, slow: bool, stop_at: float, counts: dict[str, int]) -> None:
    """Keep one connection open until ``stop_at``: idle, or trickling a header; reopen when closed."""
    while time.monotonic() < stop_at:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            counts["refused"] += 1
            await asyncio.sleep(0.5)
            continue
        counts["opened"] += 1
        try:
            if slow:
                writer.write(b"POST /v1/classify HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            while time.monotonic() < stop_at:
                try:
                    data = await asyncio.wait_for(reader.read(4096), timeout=5)
                except TimeoutError:
                    if slow:
                        writer.write(b"X")  # one more header byte every 5 s
                        await writer.drain()
                    continue
                if not data:  # the server closed it
                    counts["closed_by_server"] += 1
                    break
        except (ConnectionError, OSError):
            counts["closed_by_server"] += 1
        finally:
            writer.close()


async def phase(port: int, docs, clients: int, duration: float, idle: int) -> tuple[Stats, dict[str, int]]:
    url = f"http://127.0.0.1:{port}/v1/classify"
    stats, counts = Stats(), {"opened": 0, "closed_by_server": 0, "refused": 0}
    stop_at = time.monotonic() + duration
    holders = [asyncio.create_task(holder(port, i % 2 == 1, stop_at + 1, counts)) for i in range(idle)]
    if idle:
        await asyncio.sleep(1)  # the holders are open before the clients start
        stop_at += 1
    await asyncio.gather(*(client(url, docs, i, clients, stop_at, stats) for i in range(clients)))
    for task in holders:
        task.cancel()
    await asyncio.gather(*holders, return_exceptions=True)
    return stats, counts


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU seconds of process ``pid`` (default: this one) and its threads."""
    if pid is None:
        t = os.times()
        return t.user + t.system
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_phase(proc: subprocess.Popen, *args) -> tuple[Stats, dict[str, int], float, float]:
    """``phase(*args)`` with the CPU seconds the server and this client process spent on it."""
    server0, client0 = cpu_seconds(proc.pid), cpu_seconds()
    stats, counts = asyncio.run(phase(*args))
    return stats, counts, cpu_seconds(proc.pid) - server0, cpu_seconds() - client0


def report(name: str, stats: Stats, duration: float, reference: float, cpu: tuple[float, float]) -> float:
    lat = np.array(stats.latencies) * 1000 if stats.latencies else np.zeros(1)
    p50, p95, p99 = np.percentile(lat, [50, 95, 99])
    rate = stats.sentences / duration
    print(f"{name:<34}{len(stats.latencies) / duration:>7.1f}{rate:>9.0f}{rate / reference:>7.0%}"
          f"{p50:>8.0f}{p95:>8.0f}{p99:>8.0f}{p99 / p50:>7.2f}"
          f"{stats.http_5xx:>6}{stats.http_other:>6}{stats.conn_errors:>6}{stats.timeouts:>6}"
          f"{cpu[0] / duration:>8.2f}{cpu[1] / duration:>8.2f}", flush=True)
    return float(p99)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="models/transformer")
    parser.add_argument("--precision", default="auto")
    parser.add_argument("--raw", default="data/raw")
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--idle", type=int, default=100, help="held connections in the second phase (0: skip it)")
    args = parser.parse_args()
    if args.clients > 64 or args.duration > 600 or args.idle > 500:
        raise SystemExit("bounded load test: at most 64 clients, 600 s, 500 held connections")
    docs = real_documents(Path(args.raw), args.docs)

    clf = Classifier.load(args.model, precision=args.precision)
    texts, ids = [t for _, t in docs], [d for d, _ in docs]
    list(clf.classify_many(texts[:3], ids[:3]))
    best = float("inf")
    for _ in range(3):  # best of 3: single runs varied by 10-20% on the shared machine
        t0 = time.perf_counter()
        n = sum(sum(s.body for s in segs) for segs in clf.classify_many(texts, ids))
        best = min(best, time.perf_counter() - t0)
    reference = n / best
    print(f"# {len(docs)} documents (seed + real GUM/OSE), {n} body sentences; model {args.model} "
          f"({clf.kind}, {clf.precision}); {os.cpu_count()} CPUs; server and clients on this machine; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"# classify_many in-process: {reference:.0f} sentences/s (reference)")
    print("# srv CPU / cli CPU: cores the server process / this client process kept busy (of "
          f"{os.cpu_count()})")
    del clf

    port = free_port()
    proc = start_server(args.model, port, args.precision)
    try:
        asyncio.run(phase(port, docs, args.clients, 5, 0))  # warm-up
        print(f"{'phase':<34}{'req/s':>7}{'sent/s':>9}{'of ref':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
              f"{'p99/50':>7}{'5xx':>6}{'4xx':>6}{'conn':>6}{'t/o':>6}{'srv CPU':>8}{'cli CPU':>8}")
        stats, _, *cpu = timed_phase(proc, port, docs, args.clients, args.duration, 0)
        p99 = report(f"{args.clients} clients", stats, args.duration, reference, cpu)
        if args.idle:
            stats, counts, *cpu = timed_phase(proc, port, docs, args.clients, args.duration, args.idle)
            p99_idle = report(f"{args.clients} clients + {args.idle} held conns", stats, args.duration, reference, cpu)
            print(f"# load average {os.getloadavg()[0]:.1f}")
            print(f"# held connections: {counts['opened']} opened, {counts['closed_by_server']} closed by the server "
                  f"(header deadline), {counts['refused']} refused; p99 change {p99_idle / p99 - 1:+.0%}")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
