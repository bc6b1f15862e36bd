/** Where {@link useJob} reads a generic job from: polls of `GET /api/v1/jobs/{id}`, its
 * SSE stream, or Socket.IO; the push channels patch the last whole job with each event. */
import type { GenqueueClient } from "../client.js";
import type { AnyJobEvent } from "../socket.js";
import type { JobStreamEvent } from "../sse.js";
import { type JobView, isFinalStatus } from "../types.js";
import type { FollowSource } from "./follow.js";
import { followOnSocket } from "./socketFollow.js";

export type PushChannel = "sse" | "socket";

/** Seconds since the epoch (feed events) or an ISO string (socket payloads) as ISO. */
function isoOf(at: unknown): string | null {
  if (typeof at === "number") return new Date(at * 1000).toISOString();
  return typeof at === "string" ? at : null;
}

/** What tells two partial results apart: an `id` or `index` field when the item has one,
 * else the item itself as JSON (the server sends a stored item the same way each time). */
function partialKey(item: unknown): string {
  if (item !== null && typeof item === "object") {
    const { id, index } = item as { id?: unknown; index?: unknown };
    if (typeof id === "string" || typeof id === "number") return `id:${id}`;
    if (typeof index === "number") return `index:${index}`;
  }
  return `json:${JSON.stringify(item)}`;
}

/** `items` with `item` added, unless an item with its key is there already (an event
 * that a read of the job includes too). */
export function withPartial(items: readonly unknown[], item: unknown): unknown[] {
  const key = partialKey(item);
  return items.some((known) => partialKey(known) === key) ? [...items] : [...items, item];
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
      return { ...job, partialResults: withPartial(job.partialResults, data.item) };
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
      return { ...job, partialResults: withPartial(job.partialResults, event.payload.item) };
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

/**
 * Socket.IO: subscribe first, then read the job once the server accepted the subscription,
 * so that nothing that happens in between is lost; the events that came before the read
 * answered are applied over it (a partial the read has already is not added twice, a
 * progress older than the read's is skipped). A final event ends it with one more read.
 */
function socketFollow(client: GenqueueClient, jobId: string, signal: AbortSignal, update: Update) {
  let early: AnyJobEvent[] | null = [];
  let ending = false;
  const end = (finish: (error?: unknown) => void): void => {
    if (ending) return;
    ending = true;
    client.getJob(jobId, { signal }).then((job) => {
      update(() => job);
      finish();
    }, finish);
  };
  return followOnSocket(
    client,
    jobId,
    signal,
    (run) => ({
      onEvent: (event) => {
        if (early !== null) {
          early.push(event);
          return;
        }
        update((job) => applySocketEvent(job, event));
        if (isFinalStatus(event.payload.status) && !event.payload.snapshot) end(run.finish);
      },
    }),
    (run) => {
      client.getJob(jobId, { signal }).then((read) => {
        if (run.finished) return;
        const waiting = early ?? [];
        early = null;
        let job: JobView | null = read;
        for (const event of waiting) {
          if (event.name === "job_progress" && event.payload.progress < read.progress.percentage) continue;
          job = applySocketEvent(job, event);
        }
        update(() => job);
        if (isFinalStatus(read.status)) run.finish();
        else if (waiting.some((e) => isFinalStatus(e.payload.status))) end(run.finish);
      }, run.finish);
    },
  );
}

/** A generic job followed by `push` (or polled only, when `push` is false). */
export function jobSource(
  client: GenqueueClient,
  jobId: string,
  push: PushChannel | false,
): FollowSource<JobView> {
  const source: FollowSource<JobView> = {
    read: (signal) => client.getJob(jobId, { signal }),
    isFinal: (job) => isFinalStatus(job.status),
    same: sameJob,
  };
  if (push === "sse") source.push = (signal, update) => sseFollow(client, jobId, signal, update);
  if (push === "socket") source.push = (signal, update) => socketFollow(client, jobId, signal, update);
  return source;
}
