import { useCallback, useMemo, useRef, useState } from "react";
import type { GenqueueClient } from "../client.js";
import { toError } from "../errors.js";
import { type JobState, type JobView, isFinalStatus } from "../types.js";
import type { PollPolicy } from "./backoff.js";
import { useClientOf } from "./context.js";
import { jobSource, type PushChannel } from "./jobSources.js";
import { NO_PROGRESS, toProgress, type ProgressInfo } from "./progress.js";
import { useFinalOnce } from "./useFinalOnce.js";
import { useFollow } from "./useFollow.js";

export interface UseJobOptions {
  /** The push channel to try first: Socket.IO (default: every hook under a provider shares
   * one connection, however many jobs are followed), SSE (one HTTP connection per job:
   * a browser allows six per origin over HTTP/1.1), or false to poll only. */
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
  /** True while a cancel request is under way. */
  isCancelling: boolean;
  /** True while a retry request is under way. */
  isRetrying: boolean;
  /** `DELETE /api/v1/jobs/{id}`; the job ends cancelled (a running one shortly). */
  cancel: () => Promise<void>;
  /** `POST /api/v1/jobs/{id}/retry` for a failed or cancelled job, then follows it again. */
  retry: () => Promise<void>;
}

/** Fires the callback that fits a job's final state, once per final state reached in
 * one retry generation (a pushed patch and the read after it may differ in a timestamp:
 * they are the same final state). */
function useFinalCallbacks(job: JobView | null, generation: number, options: UseJobOptions): void {
  const optionsRef = useRef(options);
  optionsRef.current = options;
  useFinalOnce(
    job,
    (seen) => (isFinalStatus(seen.status) ? `${seen.jobId}:${seen.status}:${generation}` : null),
    (seen) => {
      const { onCompleted, onFailed, onCancelled } = optionsRef.current;
      if (seen.status === "completed") onCompleted?.(seen);
      else if (seen.status === "failed") onFailed?.(seen);
      else onCancelled?.(seen);
    },
  );
}

/**
 * Follows one job of the generic API until it is final: over the provider's shared
 * Socket.IO connection (or SSE) when it can, polling with backoff when push fails; every request stops on unmount or when
 * `jobId` changes. `null` follows nothing.
 */
export function useJob(jobId: string | null | undefined, options: UseJobOptions = {}): UseJobResult {
  const client = useClientOf(options.client);
  const push = options.push ?? "socket";
  const [generation, setGeneration] = useState(0);
  const [actionError, setActionError] = useState<Error | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [retrying, setRetrying] = useState(false);
  /** The DELETE's answer: `cancelRequested` shows before the push channel says so. */
  const [cancelAnswer, setCancelAnswer] = useState<JobView | null>(null);
  const key = jobId ? `${jobId}|${String(push)}` : null;
  const makeSource = useCallback(() => jobSource(client, jobId ?? "", push), [client, jobId, push]);
  const followed = useFollow<JobView>(key, makeSource, options.poll, generation);
  const seen = followed.value !== null && followed.value.jobId === jobId ? followed.value : null;
  const job = useMemo(
    () =>
      seen !== null &&
      cancelAnswer?.jobId === seen.jobId &&
      cancelAnswer.cancelRequested &&
      !seen.cancelRequested &&
      !isFinalStatus(seen.status)
        ? { ...seen, cancelRequested: true }
        : seen,
    [seen, cancelAnswer],
  );
  useFinalCallbacks(job, generation, options);

  const cancel = useCallback(async () => {
    if (!jobId) return;
    setActionError(null);
    setCancelling(true);
    try {
      setCancelAnswer(await client.cancel(jobId));
    } catch (error) {
      setActionError(toError(error));
    } finally {
      setCancelling(false);
    }
  }, [client, jobId]);

  const retry = useCallback(async () => {
    if (!jobId) return;
    setActionError(null);
    setRetrying(true);
    try {
      await client.retry(jobId);
      setCancelAnswer(null);
      setGeneration((n) => n + 1);
    } catch (error) {
      setActionError(toError(error));
    } finally {
      setRetrying(false);
    }
  }, [client, jobId]);

  return useMemo(() => {
    const status = (job?.status ?? null) as JobState | null;
    return {
      job,
      status,
      progress: job ? toProgress(job.progress) : NO_PROGRESS,
      failedReason: job?.failedReason ?? null,
      error: actionError ?? toError(followed.error),
      isFinal: isFinalStatus(status),
      isFollowing: followed.following,
      transport: followed.transport,
      isCancelling: cancelling,
      isRetrying: retrying,
      cancel,
      retry,
    };
  }, [job, actionError, followed.error, followed.following, followed.transport, cancelling, retrying, cancel, retry]);
}
