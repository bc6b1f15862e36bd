"""The worker: claims jobs, runs their handlers, and reports each outcome with its lease.

The loop is split into named steps: `_claim_loop` hands out free slots, `_execute`
runs one job (`_run_handler`, then `_settle`), `_flush_loop` writes completions in
batches, and three background loops keep leases alive, deliver cancellations and
recover other workers' stalled jobs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import random
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from genqueue.engine.engine import Engine
from genqueue.engine.errors import (
    DoNotRetry,
    GenqueueError,
    LeaseLost,
    RetryLater,
    StoreUnavailable,
    UnknownJobType,
)
from genqueue.engine.job import ClaimedJob, JobState, Progress
from genqueue.engine.store import Completion, ProgressUpdate, WorkerInfo
from genqueue.worker.context import JobContext, SyncJobContext
from genqueue.worker.outcome import Completed, Failed, Interrupt, Interrupted, Outcome
from genqueue.worker.registry import JobType, Registry

log = logging.getLogger("genqueue.worker")
BURST_HORIZON_SECONDS = 60.0
"""A burst worker waits for delayed jobs due this soon (retries), not for far-off ones."""
T = TypeVar("T")


@dataclass
class WorkerOptions:
    heartbeat_seconds: float | None = None
    """How often leases are renewed; a third of the lease when not given."""
    cancel_poll_seconds: float = 0.25
    stall_check_seconds: float = 1.0
    retention_seconds: float = 60.0
    shutdown_grace_seconds: float = 10.0
    handback_seconds: float = 5.0
    """How long interrupted handlers get to unwind at shutdown before their jobs are released."""
    idle_wait_seconds: float = 1.0


class Running:
    """A job this worker holds: its lease, its context and the task that runs it."""

    __slots__ = ("claimed", "context", "in_handler", "interrupt", "task")

    def __init__(self, claimed: ClaimedJob, context: JobContext) -> None:
        self.claimed = claimed
        self.context = context
        self.task: asyncio.Task[None] | None = None
        self.in_handler = True
        self.interrupt: Interrupt | None = None

    @property
    def id(self) -> str:
        return self.claimed.job.id


class Worker:
    def __init__(
        self,
        engine: Engine,
        registry: Registry,
        *,
        concurrency: int = 5,
        queues: Sequence[str] | None = None,
        burst: bool = False,
        worker_id: str | None = None,
        options: WorkerOptions | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("a worker runs at least one job at a time")
        self.engine = engine
        self.registry = registry
        self.concurrency = concurrency
        self.queues = list(queues) if queues else None
        self.burst = burst
        self.id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.options = options or WorkerOptions()
        self.started_at = time.time()
        self.processed = 0
        self._running: dict[str, Running] = {}
        self._done: list[tuple[Running, Completion]] = []
        self._done_ready = asyncio.Event()
        self._slot_freed = asyncio.Event()
        self._unacked: set[str] = set()
        """Jobs whose handler has finished and whose completion is still being written."""
        self._stopping = asyncio.Event()
        self._threads_busy = 0
        self._threads_lock = threading.Lock()

    # -- lifecycle --------------------------------------------------------------------

    def stop(self) -> None:
        """Stop claiming; running jobs get the grace period, then go back to the queue."""
        self._stopping.set()
        self._slot_freed.set()  # a claim loop waiting for a slot looks at `_stopping` again

    async def run(self) -> None:
        await self._retrying(self._register)
        loops = [self._flush_loop, self._heartbeat_loop, self._cancel_loop, self._maintenance_loop]
        background = [asyncio.create_task(self._supervised(loop)) for loop in loops]
        try:
            await self._claim_loop()
        finally:
            try:
                await self._drain()
            finally:
                for task in background:
                    task.cancel()
                await asyncio.gather(*background, return_exceptions=True)
                if self.threads_busy:
                    log.warning("%d sync handler(s) still run in threads", self.threads_busy)
                await self._unregister()

    async def _drain(self) -> None:
        """Give running jobs the grace period, interrupt the rest, and hand every job back."""
        if await self._finished_within(self.options.shutdown_grace_seconds):
            return
        log.warning("handing %d running job(s) back to the queue", len(self._running))
        for running in list(self._running.values()):
            self._interrupt(running, Interrupt.SHUTDOWN)
        if await self._finished_within(self.options.handback_seconds):
            return
        stuck = list(self._running.values())
        log.error("%d handler(s) ignored their interruption; releasing their jobs", len(stuck))
        try:
            await self.engine.release([r.claimed.lease for r in stuck])
        except GenqueueError as exc:
            log.error("could not release them, their leases will expire: %s", exc)
        for running in stuck:
            self._finish(running)

    async def _finished_within(self, seconds: float) -> bool:
        try:
            await asyncio.wait_for(self._all_finished(), seconds)
        except TimeoutError:
            return False
        return True

    async def _supervised(self, loop: Callable[[], Awaitable[None]]) -> None:
        """Keep a background loop alive: one that died would strand leases or completions."""
        while True:
            try:
                await loop()
            except Exception:
                log.exception("worker loop %s failed; restarting it", loop.__name__)
                await asyncio.sleep(1.0)

    async def _all_finished(self) -> None:
        while self._running:
            self._slot_freed.clear()
            await self._slot_freed.wait()

    # -- claiming ---------------------------------------------------------------------

    async def _claim_loop(self) -> None:
        while not self._stopping.is_set():
            free = self._free_slots()
            if free <= 0:
                # Waited on directly (not with `_first`), so the claim starts in the same
                # turn of the loop as the completion write: a store can send both at once.
                self._slot_freed.clear()
                await self._slot_freed.wait()
                continue
            try:
                claimed = await self.engine.claim(self.id, self.queues, free)
            except StoreUnavailable as exc:
                log.warning("claim failed, retrying: %s", exc)
                await _first(asyncio.sleep(1.0), self._stopping.wait())
                continue
            for job in claimed:
                self._start(job)
            if claimed:
                continue
            if self.burst and not self._running and not await self._work_waiting():
                return
            await self._idle()

    async def _idle(self) -> None:
        """Wait for the store to say work may be there (or for a stop); an outage waits 1 s."""
        wait = self.engine.store.wait_for_work(self.options.idle_wait_seconds)
        try:
            await _first(wait, self._stopping.wait())
        except StoreUnavailable as exc:
            log.warning("waiting for work failed, retrying: %s", exc)
            await _first(asyncio.sleep(1.0), self._stopping.wait())

    def _free_slots(self) -> int:
        """Slots whose handler has finished count as free before the completion is written,
        so the next claim overlaps that write; at most `concurrency` writes wait at once."""
        handlers = len(self._running) - len(self._unacked)
        return min(self.concurrency - handlers, 2 * self.concurrency - len(self._running))

    async def _work_waiting(self) -> bool:
        """Pending jobs, or delayed ones due soon, in the served queues that are not paused.

        A store that cannot answer counts as work waiting: the next claim retries it.
        """
        now = self.engine.clock()
        horizon = now + BURST_HORIZON_SECONDS
        try:
            states = await self.engine.store.queue_states(now, self.served_queues)
        except StoreUnavailable as exc:
            log.warning("could not look for waiting work: %s", exc)
            return True
        return any(
            q.counts.get(JobState.PENDING, 0) > 0
            or (q.next_run_at is not None and q.next_run_at <= horizon)
            for q in states
            if not q.paused
        )

    def _start(self, claimed: ClaimedJob) -> None:
        context = JobContext(
            claimed,
            self.id,
            self._report_progress,
            self._report_partial,
            records=self.engine.store,
            resources=self.engine.resources,
        )
        running = Running(claimed, context)
        self._running[running.id] = running
        running.task = asyncio.create_task(self._execute(running), name=f"job:{running.id}")
        log.debug("job %s (%s) started, attempt %d", running.id, claimed.job.type, claimed.attempt)

    # -- running one job ---------------------------------------------------------------

    async def _execute(self, running: Running) -> None:
        try:
            await self._settle(running, await self._run_handler(running))
        except asyncio.CancelledError:
            self._finish(running)
            raise
        except Exception:
            log.exception("could not report job %s; its lease will expire", running.id)
            self._finish(running)

    async def _run_handler(self, running: Running) -> Outcome:
        job = running.claimed.job
        try:
            job_type = self.registry.get(job.type)
        except UnknownJobType:
            running.in_handler = False
            return Failed(f"no handler for job type {job.type!r} on worker {self.id}", None)
        timeout = self.engine.catalog.timeout_for(job.type, job.queue)
        scope = asyncio.timeout(timeout)
        try:
            async with scope:
                return Completed(await self._call(job_type, running))
        except asyncio.CancelledError:
            if running.interrupt is None:
                raise
            asyncio.current_task().uncancel()  # type: ignore[union-attr]
            return Interrupted(running.interrupt)
        except TimeoutError as exc:
            if not scope.expired():
                return _failure(exc)
            return Failed(f"timed out after {timeout:g}s", None)
        except Exception as exc:
            if running.interrupt is not None:
                return Interrupted(running.interrupt)
            return _failure(exc)
        finally:
            running.in_handler = False

    async def _call(self, job_type: JobType, running: Running) -> Any:
        data = running.claimed.job.data
        if job_type.is_async:
            return await job_type.handler(running.context, data)
        sync_context = SyncJobContext(running.context, asyncio.get_running_loop())
        return await self._in_thread(job_type.handler, sync_context, data)

    async def _in_thread(self, handler: Callable[..., Any], *args: Any) -> Any:
        """Run a sync handler in a daemon thread of its own.

        A thread cannot be interrupted, only outlived: one that runs on after a timeout or a
        cancel must neither hold a pool slot that later jobs wait for, nor keep a stopped
        worker process alive.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()

        def target() -> None:
            with self._threads_lock:
                self._threads_busy += 1
            try:
                outcome: tuple[Any, BaseException | None] = (handler(*args), None)
            except Exception as exc:
                outcome = (None, exc)
            except BaseException as exc:  # SystemExit in a handler fails its job, not the worker
                outcome = (None, RuntimeError(f"sync handler raised {exc!r}"))
            finally:
                with self._threads_lock:
                    self._threads_busy -= 1
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_resolve, future, *outcome)

        threading.Thread(target=target, name="genqueue-sync-handler", daemon=True).start()
        return await future

    @property
    def threads_busy(self) -> int:
        """Sync handlers still running in threads, interrupted or not."""
        return self._threads_busy

    async def _settle(self, running: Running, outcome: Outcome) -> None:
        claimed = running.claimed
        match outcome:
            case Completed(result=result):
                if (problem := _not_json(result)) is not None:
                    await self._settle(running, Failed(problem, None, retryable=False))
                    return
                self._done.append((running, Completion(claimed.lease, result)))
                self._done_ready.set()
                self._unacked.add(running.id)
                self._slot_freed.set()
                return
            case Failed(reason=reason, stacktrace=stack, retryable=retryable, retry_after=after):
                log.info("job %s attempt %d failed: %s", running.id, claimed.attempt, reason)
                await self._fenced(
                    lambda: self.engine.fail_attempt(
                        claimed, reason, stack, retryable=retryable, retry_after=after
                    )
                )
            case Interrupted(why=Interrupt.CANCEL):
                await self._fenced(lambda: self.engine.confirm_cancel(claimed.lease))
            case Interrupted(why=Interrupt.SHUTDOWN):
                await self._retrying(lambda: self.engine.release([claimed.lease]))
            case Interrupted(why=Interrupt.LEASE_LOST):
                log.warning("job %s: lease lost, its result is dropped", running.id)
        self._finish(running)

    async def _fenced(self, write: Callable[[], Awaitable[Any]]) -> None:
        try:
            await self._retrying(write)
        except LeaseLost as exc:
            log.warning("%s", exc)

    def _finish(self, running: Running) -> None:
        if self._running.pop(running.id, None) is not None:
            self.processed += 1
        self._unacked.discard(running.id)
        self._slot_freed.set()

    def _interrupt(self, running: Running, why: Interrupt) -> None:
        """Stop a running handler; from inside its own task, the caller raises instead."""
        if running.interrupt is not None:
            return
        running.interrupt = why
        running.context.mark_cancelled()
        task = running.task
        if running.in_handler and task is not None and task is not asyncio.current_task():
            task.cancel()

    # -- what handlers report ------------------------------------------------------------

    async def _report_progress(self, claimed: ClaimedJob, progress: Progress) -> None:
        lost = await self.engine.report_progress([ProgressUpdate(claimed.lease, progress)])
        if lost:
            if (running := self._running.get(claimed.job.id)) is not None:
                self._interrupt(running, Interrupt.LEASE_LOST)
            raise LeaseLost(claimed.job.id)

    async def _report_partial(self, claimed: ClaimedJob, item: Any) -> None:
        try:
            await self.engine.add_partial(claimed.lease, item)
        except LeaseLost:
            if (running := self._running.get(claimed.job.id)) is not None:
                self._interrupt(running, Interrupt.LEASE_LOST)
            raise

    # -- background loops ---------------------------------------------------------------

    async def _flush_loop(self) -> None:
        """Write finished jobs in batches: one store round trip serves every job done meanwhile."""
        while True:
            await self._done_ready.wait()
            self._done_ready.clear()
            batch, self._done = self._done, []
            if not batch:
                continue
            try:
                rejected = await self.engine.complete([done for _, done in batch])
            except StoreUnavailable as exc:
                log.warning("could not record %d completion(s), retrying: %s", len(batch), exc)
                self._done = batch + self._done
                self._done_ready.set()
                await asyncio.sleep(0.5)
                continue
            except Exception:
                # Give the jobs up rather than hold their leases forever: they run again.
                log.exception("could not record %d completion(s)", len(batch))
                rejected = {running.id for running, _ in batch}
            for running, _ in batch:
                if running.id in rejected:
                    log.warning("job %s: result rejected, the lease had moved on", running.id)
                else:
                    log.debug("job %s (%s) completed", running.id, running.claimed.job.type)
                self._finish(running)

    async def _heartbeat_loop(self) -> None:
        interval = self.options.heartbeat_seconds or self.engine.config.lease_seconds / 3
        while True:
            await asyncio.sleep(interval)
            held = [r.claimed.lease for r in self._running.values()]
            try:
                renewed = {lease.job_id for lease in await self.engine.extend_leases(held)}
            except StoreUnavailable as exc:
                log.warning("heartbeat failed: %s", exc)
                continue
            for lease in held:
                running = self._running.get(lease.job_id)
                if running is not None and lease.job_id not in renewed:
                    self._interrupt(running, Interrupt.LEASE_LOST)
            try:
                await self._register()
            except StoreUnavailable as exc:
                log.warning("worker registry update failed: %s", exc)

    async def _cancel_loop(self) -> None:
        while True:
            await asyncio.sleep(self.options.cancel_poll_seconds)
            watched = [r.id for r in self._running.values() if r.in_handler and not r.interrupt]
            try:
                requested = await self.engine.cancel_requests(watched)
            except StoreUnavailable:
                continue
            for job_id in requested:
                if (running := self._running.get(job_id)) is not None:
                    self._interrupt(running, Interrupt.CANCEL)

    async def _maintenance_loop(self) -> None:
        """Recover stalled jobs of dead workers, apply retention and sample queue depth
        once a minute; every worker takes part."""
        last_retention = 0.0
        sampled_minute: int | None = None
        while True:
            await asyncio.sleep(self.options.stall_check_seconds * (0.75 + random.random() / 2))
            try:
                for job in await self.engine.recover_stalled():
                    log.warning(
                        "job %s stalled (%d) and is now %s", job.id, job.stalled_count, job.state
                    )
                if time.monotonic() - last_retention > self.options.retention_seconds:
                    last_retention = time.monotonic()
                    await self.engine.apply_retention()
                if sampled_minute != int(self.engine.clock() // 60):
                    sampled_minute = await self.engine.sample_depth() // 60
            except StoreUnavailable as exc:
                log.warning("maintenance skipped: %s", exc)

    # -- the worker registry -------------------------------------------------------------

    @property
    def served_queues(self) -> list[str]:
        return self.queues or list(self.engine.catalog.queues)

    async def _register(self) -> None:
        queues = self.served_queues
        info = WorkerInfo(
            id=self.id,
            host=socket.gethostname(),
            pid=os.getpid(),
            queues=queues,
            concurrency=self.concurrency,
            running=len(self._running),
            started_at=self.started_at,
            heartbeat_at=self.engine.clock(),
        )
        await self.engine.store.register_worker(info)

    async def _unregister(self) -> None:
        try:
            await self.engine.store.unregister_worker(self.id)
        except StoreUnavailable as exc:
            log.warning("could not unregister worker %s: %s", self.id, exc)

    async def _retrying(self, step: Callable[[], Awaitable[T]]) -> T:
        """Retry a store write while the store is unavailable, for at most one lease."""
        deadline = time.monotonic() + self.engine.config.lease_seconds
        while True:
            try:
                return await step()
            except StoreUnavailable:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)


def _failure(error: BaseException) -> Failed:
    """A handler's error as a failed attempt; a `DoNotRetry` one leaves no attempts, a
    `RetryLater` one says how long the next must wait at least."""
    stacktrace = "".join(traceback.format_exception(error))
    retryable = not isinstance(error, DoNotRetry)
    after = error.retry_after if isinstance(error, RetryLater) else None
    reason = str(error) or type(error).__name__
    return Failed(reason, stacktrace, retryable=retryable, retry_after=after)


def _resolve(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


def _not_json(result: Any) -> str | None:
    try:
        json.dumps(result, allow_nan=False)
    except (TypeError, ValueError) as exc:
        return f"handler returned a result that is not JSON: {exc}"
    return None


async def _first(*waits: Awaitable[Any]) -> None:
    """Wait until the first of several awaitables is done and cancel the rest; an error of
    one that finished is raised here, not left for the loop to log as never retrieved."""
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
    for task in done:
        if not task.cancelled() and (error := task.exception()) is not None:
            raise error
