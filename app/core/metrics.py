"""Prometheus metrics of one app instance, on a registry of its own."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from app.core.pool import CLIENT_GONE, DEADLINE, SHUTDOWN, PoolHooks

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60)
_TOKEN_BUCKETS = (10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000)
_BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)


class Metrics:
    """Every collector the service exports; no label ever carries text or actor names."""

    def __init__(self, version: str, model: str) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "stancewire_requests_total", "HTTP requests answered.", ["route", "method", "status"], registry=r
        )
        self.request_duration = Histogram(
            "stancewire_request_duration_seconds",
            "Time to answer an HTTP request.",
            ["route"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.stage_seconds = Histogram(
            "stancewire_pipeline_stage_seconds",
            "Time one document spends in a pipeline stage (parse, actors, stances, places, dates).",
            ["stage"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.documents = Counter("stancewire_documents", "Documents analysed.", registry=r)
        self.tokens = Counter("stancewire_tokens", "Tokens analysed.", registry=r)
        self.document_tokens = Histogram(
            "stancewire_document_tokens", "Tokens per analysed document.", buckets=_TOKEN_BUCKETS, registry=r
        )
        self.stances = Counter("stancewire_stances", "Stances reported, by PLOVER event.", ["event"], registry=r)
        self.actors = Counter("stancewire_actors", "Actors reported, by kind.", ["kind"], registry=r)
        self.queue_depth = Gauge("stancewire_queue_depth", "Documents admitted and waiting for a worker.", registry=r)
        self.inflight = Gauge("stancewire_inflight", "Documents being analysed by workers.", registry=r)
        self.batch_size = Histogram(
            "stancewire_batch_size", "Documents per micro-batch sent to a worker.", buckets=_BATCH_BUCKETS, registry=r
        )
        self.workers = Gauge("stancewire_workers", "Worker processes by state (ready, busy).", ["state"], registry=r)
        self.worker_restarts = Counter("stancewire_worker_restarts", "Worker processes replaced.", registry=r)
        self.rejected = Counter("stancewire_rejected", "Requests refused, by reason.", ["reason"], registry=r)
        self.dropped = Counter(
            "stancewire_documents_dropped",
            "Documents not analysed to the end because their client left or their deadline passed.",
            ["reason"],
            registry=r,
        )
        self.connections = Gauge("stancewire_connections", "Open HTTP connections.", registry=r)
        self.connections_closed = Counter(
            "stancewire_connections_closed",
            "Connections the server closed unasked: idle past the deadline, or evicted at the cap.",
            ["reason"],
            registry=r,
        )
        self.build_info = Gauge("stancewire_build_info", "Service version and model.", ["version", "model"], registry=r)
        self.build_info.labels(version=version, model=model).set(1)
        for state in ("ready", "busy"):
            self.workers.labels(state=state).set(0)
        for reason in (CLIENT_GONE, DEADLINE, SHUTDOWN):
            self.dropped.labels(reason=reason).inc(0)
        for reason in ("idle", "evicted"):
            self.connections_closed.labels(reason=reason).inc(0)
        # -- process resources: the API process (process_*) and each worker process ----------------
        ProcessCollector(registry=r)
        self.worker_resources = WorkerResources()
        r.register(self.worker_resources)

    def watch_workers(self, pids: Callable[[], list[int]]) -> None:
        """Report the resident memory and CPU time of the processes ``pids`` returns at each scrape."""
        self.worker_resources.pids = pids

    def pool_hooks(self) -> PoolHooks:
        """Return callbacks that keep the pool's gauges and counters current."""

        def on_state(ready: int, busy: int, queued: int, inflight: int) -> None:
            self.workers.labels(state="ready").set(ready)
            self.workers.labels(state="busy").set(busy)
            self.queue_depth.set(queued)
            self.inflight.set(inflight)

        return PoolHooks(
            on_batch=self.batch_size.observe,
            on_restart=self.worker_restarts.inc,
            on_state=on_state,
            on_dropped=lambda reason: self.dropped.labels(reason=reason).inc(),
        )


class WorkerResources(Collector):
    """Resident memory and CPU seconds of each worker process, read from /proc at scrape time.

    The ``worker`` label is a slot, 0 to workers - 1: a replacement takes the slot of the worker it
    replaces, so the series stay few and continuous (its CPU counter restarts from zero, as counters
    of a restarted process do). Where there is no /proc, nothing is reported.
    """

    def __init__(self) -> None:
        self.pids: Callable[[], list[int]] = list
        self._slots: dict[int, int] = {}  # pid -> slot
        self._page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
        self._ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        memory = GaugeMetricFamily(
            "stancewire_worker_resident_memory_bytes", "Resident memory of a worker process.", labels=["worker"]
        )
        cpu = CounterMetricFamily(
            "stancewire_worker_cpu_seconds", "CPU time (user and system) of a worker process.", labels=["worker"]
        )
        for slot, (rss_pages, cpu_ticks) in self._read().items():
            memory.add_metric([str(slot)], rss_pages * self._page)
            cpu.add_metric([str(slot)], cpu_ticks / self._ticks)
        yield memory
        yield cpu

    def _read(self) -> dict[int, tuple[int, int]]:
        pids = self.pids()
        self._slots = {pid: slot for pid, slot in self._slots.items() if pid in pids}
        found: dict[int, tuple[int, int]] = {}
        for pid in pids:
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:  # gone since, or no /proc
                continue
            # The fields after the command name (which may hold spaces), from field 3 (state) on.
            fields = stat[stat.rindex(")") + 2 :].split()
            if pid not in self._slots:
                self._slots[pid] = min(set(range(len(pids))) - set(self._slots.values()))
            # utime and stime are fields 14 and 15, rss field 24 (proc(5)).
            found[self._slots[pid]] = (int(fields[21]), int(fields[11]) + int(fields[12]))
        return found
