"""Lambda's DynamoDB stream poller, played by the twin.

moto hands a table's changes to a mapped function once, synchronously, inside the write that made them, and
forgets a failure. Lambda instead polls the stream, keeps only records that match the mapping's filter
criteria, delivers them shortly after the write and retries a failing record (after bisecting the batch)
until it succeeds or grows older than the mapping's maximum record age. This does the same in a thread:
one record per delivery, in order, retried with a backoff capped at a few seconds, so a delivery that
failed during an outage goes through soon after the service is back."""
from __future__ import annotations

import threading
import time
from collections import deque

from twin import console

MAX_BACKOFF = 4.0
COMMIT_DELAY = 0.3  # seconds: moto offers a record inside the write that made it; deliver after it commits


def matches(pattern, data) -> bool:
    """Lambda event filtering, for the forms our templates use: nested keys that must exist, and lists of
    accepted values at the leaves."""
    if isinstance(pattern, dict):
        return isinstance(data, dict) and all(k in data and matches(v, data[k]) for k, v in pattern.items())
    if isinstance(pattern, list):
        return data in pattern
    return data == pattern


class StreamPoller:
    def __init__(self):
        self._filters: dict[str, tuple[list, int]] = {}
        self._queue: deque = deque()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._deliver = None
        self._busy = threading.Lock()  # held while a record is being delivered
        self._generation = 0  # bumped by reset: a record from before it is never delivered again
        self.delivered: list[dict] = []  # (function, record, attempts), for tests and the console

    def configure(self, function: str, patterns: list, max_age_seconds: int) -> None:
        self._filters[function] = (patterns, max_age_seconds)

    def offer(self, function: str, source: str, record: dict) -> None:
        patterns, max_age = self._filters.get(function, ([], 86400))
        if patterns and not any(matches(p, record) for p in patterns):
            return
        with self._wake:
            self._queue.append({"function": function, "record": record, "attempts": 0,
                                "generation": self._generation,
                                "due": time.monotonic() + COMMIT_DELAY,
                                "expires": time.monotonic() + max_age})
            self._wake.notify()

    def reset(self) -> None:
        """Forget undelivered records and wait for a delivery in flight to end (between two tests: nothing
        of the last one may act on the next)."""
        with self._wake:
            self._queue.clear()
            self.delivered.clear()
            self._generation += 1
        with self._busy:
            pass

    def start(self, deliver) -> None:
        self._deliver = deliver
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, daemon=True, name="twin-stream-poller")
            self._thread.start()

    def _next(self) -> dict:
        with self._wake:
            while True:
                now = time.monotonic()
                if self._queue and self._queue[0]["due"] <= now:
                    return self._queue.popleft()
                self._wake.wait(timeout=(self._queue[0]["due"] - now) if self._queue else None)

    def _run(self) -> None:
        while True:
            entry = self._next()
            entry["attempts"] += 1
            with self._busy:
                ok = self._delivered_ok(entry)
            if ok:
                self.delivered.append(entry)
                continue
            if time.monotonic() >= entry["expires"]:
                console.line(f"twin: stream record for {entry['function']} dropped after {entry['attempts']} "
                             "attempts (in AWS: the mapping's on-failure destination)")
                continue
            entry["due"] = time.monotonic() + min(MAX_BACKOFF, 0.25 * 2 ** entry["attempts"])
            with self._wake:  # retried in order: it goes back to the front
                if entry["generation"] == self._generation:
                    self._queue.appendleft(entry)

    def _delivered_ok(self, entry: dict) -> bool:
        try:
            result = self._deliver(entry["function"], {"Records": [entry["record"]]})
        except Exception as exc:  # Lambda would log it and retry the batch
            causes = [e[1] for e in getattr(exc, "child_exceptions", [])] or [exc]  # powertools' batch errors
            console.line(f"twin: {entry['function']} failed on a stream record (attempt {entry['attempts']}, "
                         "will retry): " + "; ".join(f"{type(c).__name__}: {str(c)[:200]}" for c in causes))
            return False
        return not (isinstance(result, dict) and result.get("batchItemFailures"))
