import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { GenqueueClient } from "../client.js";
import type { JobState, JobView } from "../types.js";
import type { PollPolicy } from "./backoff.js";
import { useClientOf } from "./context.js";
import { isFinalState, jobSource, type PushChannel } from "./jobSources.js";
import { NO_PROGRESS, toProgress, type ProgressInfo } from "./progress.js";
import { useFollow } from "./useFollow.js";

export interface UseJobOptions {
  /** The push channel to try first: SSE (default), Socket.IO, or false to poll only. */
  push?: PushChannel | false;
  /** Polling delays, used when push fails or is off (see {@link PollPolicy}). */
  poll?: Partial<PollPolicy>;
  /** A client instead of the provider's (or a token for the provider's server). */
  client?: GenqueueClient | string;
  /** Called once when the job completes. */
  onCompleted?: (job: JobView) => void;
  /** Called once when the job fails for good (the reason is `job.failedReason`). */
  onFailed?: (job: JobView) => void;
  /** Called once when the job is cancelled. */
  onCancelled?: (job: JobView) => void;
}

export interface UseJobResult {
  job: JobView | null;
  /** The engine's word: pending, delayed, active, completed, failed, cancelled. */
  status: JobState | null;
  /** Percentage, current/total and `currentTask` (seed 002's progress). */
  progress: ProgressInfo;
  /** Why the job failed (also the last attempt's reason while it waits to retry). */
  failedReason: string | null;
  /** A request that failed: reading, cancelling, retrying (an `ApiError` as thrown). */
  error: Error | null;
  isFinal: boolean;
  /** True while the hook is still following the job (not final, not stopped). */
  isFollowing: boolean;
  /** How the job is being followed now: "push" (SSE or Socket.IO) or "polling". */
  transport: "push" | "polling" | null;
  /** `DELETE /api/v1/jobs/{id}`; the job ends cancelled (a running one shortly). */
  cancel: () => Promise<void>;
  /** `POST /api/v1/jobs/{id}/retry` for a failed or cancelled job, then follows it again. */
  retry: () => Promise<void>;
}

function asError(error: unknown): Error | null {
  if (error === null || error === undefined) return null;
  return error instanceof Error ? error : new Error(String(error));
}

/** Fires the callback that fits a job's final state, once per final state reached. */
function useFinalCallbacks(job: JobView | null, options: UseJobOptions): void {
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const fired = useRef<string | null>(null);
  const key = job !== null && isFinalState(job.status) ? `${job.jobId}:${job.status}:${job.completedAt}` : null;
  useEffect(() => {
    if (key === null || job === null || fired.current === key) return;
    fired.current = key;
    const { onCompleted, onFailed, onCancelled } = optionsRef.current;
    if (job.status === "completed") onCompleted?.(job);
    else if (job.status === "failed") onFailed?.(job);
    else onCancelled?.(job);
  }, [key, job]);
}

/**
 * Follows one job of the generic API until it is final: over SSE (or Socket.IO) when it
 * can, polling with backoff when push fails; every request stops on unmount or when
 * `jobId` changes. `null` follows nothing.
 */
export function useJob(jobId: string | null | undefined, options: UseJobOptions = {}): UseJobResult {
  const client = useClientOf(options.client);
  const push = options.push ?? "sse";
  const [generation, setGeneration] = useState(0);
  const [actionError, setActionError] = useState<Error | null>(null);
  const key = jobId ? `${jobId}|${String(push)}` : null;
  const makeSource = useCallback(() => jobSource(client, jobId ?? "", push), [client, jobId, push]);
  const followed = useFollow<JobView>(key, makeSource, options.poll, generation);
  const job = followed.value !== null && followed.value.jobId === jobId ? followed.value : null;
  useFinalCallbacks(job, options);

  const cancel = useCallback(async () => {
    if (!jobId) return;
    setActionError(null);
    try {
      await client.cancel(jobId);
    } catch (error) {
      setActionError(asError(error));
    }
  }, [client, jobId]);

  const retry = useCallback(async () => {
    if (!jobId) return;
    setActionError(null);
    try {
      await client.retry(jobId);
      setGeneration((n) => n + 1);
    } catch (error) {
      setActionError(asError(error));
    }
  }, [client, jobId]);

  return useMemo(() => {
    const status = (job?.status ?? null) as JobState | null;
    return {
      job,
      status,
      progress: job ? toProgress(job.progress) : NO_PROGRESS,
      failedReason: job?.failedReason ?? null,
      error: actionError ?? asError(followed.error),
      isFinal: isFinalState(status),
      isFollowing: followed.following,
      transport: followed.transport,
      cancel,
      retry,
    };
  }, [job, actionError, followed.error, followed.following, followed.transport, cancel, retry]);
}
