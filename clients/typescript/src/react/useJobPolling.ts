import { useCallback, useMemo, useRef, useState } from "react";
import type { GenqueueClient } from "../client.js";
import { toError } from "../errors.js";
import { type JobView, isFinalStatus } from "../types.js";
import { useClientOf } from "./context.js";
import type { FollowSource } from "./follow.js";
import { NO_PROGRESS, toProgress, type ProgressInfo } from "./progress.js";
import { useFinalOnce } from "./useFinalOnce.js";
import { useFollow } from "./useFollow.js";

/** Any route's job status: a `status` word, a progress (number or object), a reason. */
export interface PolledJob {
  status: string;
  progress?: unknown;
  failedReason?: string | null;
  error?: string | null;
}

export interface UseJobPollingOptions<T extends PolledJob> {
  /** Reads the job once; default `GET /api/v1/jobs/{jobId}` of the client. */
  fetchJob?: (jobId: string, signal: AbortSignal) => Promise<T>;
  /** ms between polls (default 2000, seed 001's example); longer while nothing changes
   * (`maxInterval`) and after errors. */
  interval?: number;
  /** The longest wait between polls (default 10 000 ms). */
  maxInterval?: number;
  /** A client instead of the provider's (or a token). */
  client?: GenqueueClient | string;
  onCompleted?: (job: T) => void;
  /** Failed or cancelled. */
  onFailed?: (job: T) => void;
}

export interface UseJobPollingResult<T> {
  job: T | null;
  status: string | null;
  progress: ProgressInfo;
  /** The job's failure reason (`failedReason`, or `error` in seeds 002–004's shapes). */
  failedReason: string | null;
  /** The last failed poll (network, 5xx, 404). */
  error: Error | null;
  isPolling: boolean;
  /** Stops polling (until `jobId` changes). */
  stop: () => void;
}

function progressOf(job: PolledJob): ProgressInfo {
  const task = (job as { message?: unknown }).message;
  return toProgress(job.progress ?? 0, task);
}

/**
 * Seed 000's `useJobPolling`: polls a job until it is completed, failed or cancelled.
 * By default the generic `GET /api/v1/jobs/{id}`; `fetchJob` polls any seed's status
 * route (`client.characters.job`, `client.snap2story.status` …).
 */
export function useJobPolling<T extends PolledJob = JobView>(
  jobId: string | null | undefined,
  options: UseJobPollingOptions<T> = {},
): UseJobPollingResult<T> {
  const client = useClientOf(options.client);
  const [stopped, setStopped] = useState<string | null>(null);
  const fetchRef = useRef(options.fetchJob);
  fetchRef.current = options.fetchJob;
  const key = jobId || null;
  const makeSource = useCallback(
    (): FollowSource<T> => ({
      read: (signal) =>
        fetchRef.current
          ? fetchRef.current(jobId ?? "", signal)
          : (client.getJob(jobId ?? "", { signal }) as unknown as Promise<T>),
      isFinal: (job) => isFinalStatus(job.status),
      same: (a, b) => JSON.stringify(a) === JSON.stringify(b),
    }),
    [client, jobId],
  );
  const interval = options.interval ?? 2_000;
  const policy = { initialMs: interval, maximumMs: Math.max(interval, options.maxInterval ?? 10_000) };
  const followed = useFollow<T>(key, makeSource, policy, 0, stopped === null || stopped !== jobId);
  const job = followed.value;

  const callbacks = useRef(options);
  callbacks.current = options;
  useFinalOnce(
    job,
    (polled) => (isFinalStatus(polled.status) ? `${jobId}:${polled.status}` : null),
    (polled) => {
      if (polled.status === "completed") callbacks.current.onCompleted?.(polled);
      else callbacks.current.onFailed?.(polled);
    },
  );

  const stop = useCallback(() => setStopped(jobId ?? null), [jobId]);
  return useMemo(
    () => ({
      job,
      status: job?.status ?? null,
      progress: job ? progressOf(job) : NO_PROGRESS,
      failedReason: job ? (job.failedReason ?? job.error ?? null) : null,
      error: toError(followed.error),
      isPolling: followed.following,
      stop,
    }),
    [job, followed.error, followed.following, stop],
  );
}
