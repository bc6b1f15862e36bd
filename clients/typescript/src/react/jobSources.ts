/** Where {@link useJob} reads a generic job from: polls of `GET /api/v1/jobs/{id}`, its
 * SSE stream, or Socket.IO; the push channels patch the last whole job with each event. */
import type { GenqueueClient } from "../client.js";
import type { AnyJobEvent, JobHandlers } from "../socket.js";
import type { JobStreamEvent } from "../sse.js";
import { FINAL_STATES, type JobState, type JobView } from "../types.js";
import { socketPoolOf } from "./context.js";
import type { FollowSource } from "./follow.js";

export type PushChannel = "sse" | "socket";

/** Seconds since the epoch (feed events) or an ISO string (socket payloads) as ISO. */
function isoOf(at: unknown): string | null {
  if (typeof at === "number") return new Date(at * 1000).toISOString();
  return typeof at === "string" ? at : null;
}

export function isFinalState(status: string | null | undefined): boolean {
  return FINAL_STATES.includes(status as JobState);
}

/** The job after one SSE event (null until a snapshot gave a whole job). */
export function applyStreamEvent(job: JobView | null, event: JobStreamEvent): JobView | null {
  if (event.snapshot) return event.data;
  if (job === null) return null;
  const data = event.data;
  switch (event.event) {
    case "created":
    case "stalled":
      return { ...job, status: "pending" };
    case "active":
      return { ...job, status: "active", startedAt: isoOf(data.at) ?? job.startedAt };
    case "progress":
      return {
        ...job,
        status: "active",
        progress: {
          percentage: data.percentage ?? job.progress.percentage,
          current: data.current ?? null,
          total: data.total ?? null,
          currentTask: data.currentTask ?? null,
        },
      };
    case "partial":
      return { ...job, partialResults: [...job.partialResults, data.item] };
    case "retrying":
      return {
        ...job,
        status: "delayed",
        failedReason: typeof data.reason === "string" ? data.reason : job.failedReason,
        attemptsMade: data.attemptsMade ?? job.attemptsMade,
      };
    case "completed":
      return { ...job, status: "completed", result: data.result ?? job.result, completedAt: isoOf(data.at) };
    case "failed":
      return {
        ...job,
        status: "failed",
        failedReason: data.reason ?? job.failedReason,
        attemptsMade: data.attemptsMade ?? job.attemptsMade,
        completedAt: isoOf(data.at),
      };
    case "cancelled":
      return { ...job, status: "cancelled", completedAt: isoOf(data.at) };
    default:
      return job;
  }
}

/** The job after one Socket.IO event (seed 004's words mapped back to the engine's). */
export function applySocketEvent(job: JobView | null, event: AnyJobEvent): JobView | null {
  if (job === null) return null;
  const at = isoOf(event.payload.at);
  switch (event.name) {
    case "job_progress": {
      const p = event.payload;
      const status = p.status === "queued" ? job.status : "active";
      if (p.snapshot && p.status === "queued") return job;
      return {
        ...job,
        status,
        progress: { percentage: p.progress, current: p.current, total: p.total, currentTask: p.message },
      };
    }
    case "job_status": {
      const p = event.payload;
      if (p.event === "active") return { ...job, status: "active", startedAt: at ?? job.startedAt };
      if (p.event === "retrying") {
        const reason = typeof p.reason === "string" ? p.reason : job.failedReason;
        return { ...job, status: "delayed", failedReason: reason };
      }
      return { ...job, status: "pending" };
    }
    case "job_partial":
      return { ...job, partialResults: [...job.partialResults, event.payload.item] };
    case "job_completed":
      return { ...job, status: "completed", result: event.payload.result, completedAt: at };
    case "job_failed": {
      const p = event.payload;
      if (p.status === "cancelled") return { ...job, status: "cancelled", completedAt: at };
      return { ...job, status: "failed", failedReason: p.error, completedAt: at };
    }
    default:
      return job;
  }
}

function sameJob(a: JobView, b: JobView): boolean {
  return (
    a.status === b.status &&
    a.progress.percentage === b.progress.percentage &&
    a.progress.currentTask === b.progress.currentTask &&
    a.attemptsMade === b.attemptsMade &&
    a.partialResults.length === b.partialResults.length &&
    a.position === b.position &&
    a.cancelRequested === b.cancelRequested
  );
}

type Update = (next: (previous: JobView | null) => JobView | null) => void;

async function sseFollow(client: GenqueueClient, jobId: string, signal: AbortSignal, update: Update) {
  await client.streamJob(jobId, {
    signal,
    maxReconnects: 2,
    onEvent: (event) => update((job) => applyStreamEvent(job, event)),
  });
  // The final event lacks a few fields (attempts, times): one read completes the job.
  const job = await client.getJob(jobId, { signal });
  update(() => job);
}

const SOCKET_READY_MS = 5_000;

function socketFollow(client: GenqueueClient, jobId: string, signal: AbortSignal, update: Update) {
  return new Promise<void>((resolve, reject) => {
    const pool = socketPoolOf(client);
    const socket = pool.acquire();
    let settled = false;
    let subscription: { unsubscribe(): void } | null = null;
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket.socket.off("connect_error", onConnectError);
      subscription?.unsubscribe();
      pool.release();
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = (): void => finish(signal.reason);
    const onConnectError = (error: Error): void => finish(error);
    const timer = setTimeout(
      () => finish(new Error(`Socket.IO gave no confirmation within ${SOCKET_READY_MS} ms`)),
      SOCKET_READY_MS,
    );
    signal.addEventListener("abort", onAbort);
    socket.socket.on("connect_error", onConnectError);
    const handlers: JobHandlers = {
      onEvent: (event) => {
        update((job) => applySocketEvent(job, event));
        if (event.name === "job_completed" || event.name === "job_failed") {
          client.getJob(jobId, { signal }).then((job) => {
            update(() => job);
            finish();
          }, finish);
        }
      },
      onError: (error) => finish(new Error(error.message)),
    };
    client
      .getJob(jobId, { signal })
      .then((job) => {
        if (settled) return;
        update(() => job);
        if (isFinalState(job.status)) {
          finish();
          return;
        }
        subscription = socket.subscribeToJob(jobId, handlers);
        return socket.ready().then(() => clearTimeout(timer));
      })
      .catch(finish);
  });
}

/** A generic job followed by `push` (or polled only, when `push` is false). */
export function jobSource(
  client: GenqueueClient,
  jobId: string,
  push: PushChannel | false,
): FollowSource<JobView> {
  const source: FollowSource<JobView> = {
    read: (signal) => client.getJob(jobId, { signal }),
    isFinal: (job) => isFinalState(job.status),
    same: sameJob,
  };
  if (push === "sse") source.push = (signal, update) => sseFollow(client, jobId, signal, update);
  if (push === "socket") source.push = (signal, update) => socketFollow(client, jobId, signal, update);
  return source;
}
