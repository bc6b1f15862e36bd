import { useCallback, useMemo, useRef, useState } from "react";
import type { GenqueueClient } from "../client.js";
import type { JobCompletedPayload, JobFailedPayload, JobProgressPayload, SocketJobStatus } from "../socket.js";
import type { GenerateImage, ImageJobStatus, ImageResult } from "../types.js";
import type { PollPolicy } from "./backoff.js";
import { socketPoolOf, useClientOf } from "./context.js";
import type { FollowSource } from "./follow.js";
import { useFollow } from "./useFollow.js";

/** `onProgress`'s argument: seed 004's `job_progress` (`progress` 0–100, `message`). */
export type ImageProgress = Pick<JobProgressPayload, "jobId" | "status" | "progress" | "message">;
/** `onCompleted`'s argument: seed 004's `job_completed`, `imageUrl` beside the result. */
export type ImageCompleted = Pick<JobCompletedPayload, "jobId" | "status" | "imageUrl"> & {
  result: ImageResult | null;
};
/** `onFailed`'s argument: seed 004's `job_failed`, the reason in `error` (a cancel too,
 * with `status: "cancelled"`). */
export type ImageFailed = Pick<JobFailedPayload, "jobId" | "status" | "error">;

/** The job as `currentJob` shows it. */
export interface ImageJob {
  jobId: string;
  status: SocketJobStatus;
  progress: number;
  message: string;
  imageUrl: string | null;
  result: ImageResult | null;
  error: string | null;
}

export interface UseImageGenerationOptions {
  onProgress?: (progress: ImageProgress) => void;
  onCompleted?: (result: ImageCompleted) => void;
  onFailed?: (error: ImageFailed) => void;
  /** A client instead of the provider's (or a token). */
  client?: GenqueueClient | string;
  /** Polling of `GET /api/jobs/{jobId}/status` when Socket.IO cannot connect. */
  poll?: Partial<PollPolicy>;
}

export interface UseImageGenerationResult {
  /** `POST /api/jobs/generate-image`, then follows the job over Socket.IO; resolves with the
   * job id. */
  generateImage: (request: GenerateImage, options?: { idempotencyKey?: string }) => Promise<string>;
  currentJob: ImageJob | null;
  isGenerating: boolean;
  /** The job's failure (`error.error` of `onFailed`) or a refused request's message. */
  error: string | null;
  /** `DELETE /api/jobs/{jobId}`: `onFailed` follows with `status: "cancelled"`. */
  cancel: () => Promise<void>;
  /** How the job is followed now: "push" (Socket.IO) or "polling". */
  transport: "push" | "polling" | null;
}

const FINAL: ReadonlySet<string> = new Set(["completed", "failed", "cancelled"]);
const SOCKET_READY_MS = 5_000;

function fromStatus(status: ImageJobStatus): ImageJob {
  const result = (status.result ?? null) as ImageResult | null;
  return {
    jobId: status.jobId,
    status: status.status as SocketJobStatus,
    progress: status.progress,
    message: status.message,
    imageUrl: result?.imageUrl ?? null,
    result,
    error: status.error ?? (status.status === "cancelled" ? status.message : null),
  };
}

type Callbacks = Pick<UseImageGenerationOptions, "onProgress" | "onCompleted" | "onFailed">;

/** Calls seed 004's callbacks for each new state, each final state once. */
function announcer(callbacks: { current: Callbacks }, signal: AbortSignal) {
  let last: ImageJob | null = null;
  return (job: ImageJob): void => {
    if (signal.aborted) return;
    const previous = last;
    last = job;
    if (previous !== null && FINAL.has(previous.status)) return;
    const { onProgress, onCompleted, onFailed } = callbacks.current;
    if (job.status === "completed") {
      onCompleted?.({ jobId: job.jobId, status: job.status, imageUrl: job.imageUrl, result: job.result });
    } else if (job.status === "failed" || job.status === "cancelled") {
      onFailed?.({ jobId: job.jobId, status: job.status, error: job.error ?? "Job failed" });
    } else if (previous === null || previous.progress !== job.progress || previous.message !== job.message) {
      onProgress?.({ jobId: job.jobId, status: job.status, progress: job.progress, message: job.message });
    }
  };
}

function socketPush(
  client: GenqueueClient,
  jobId: string,
  signal: AbortSignal,
  update: (next: (previous: ImageJob | null) => ImageJob | null) => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const pool = socketPoolOf(client);
    const socket = pool.acquire();
    let done = false;
    const finish = (error?: unknown): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket.socket.off("connect_error", finish);
      subscription.unsubscribe();
      pool.release();
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = (): void => finish(signal.reason);
    const timer = setTimeout(
      () => finish(new Error(`Socket.IO gave no confirmation within ${SOCKET_READY_MS} ms`)),
      SOCKET_READY_MS,
    );
    signal.addEventListener("abort", onAbort);
    socket.socket.on("connect_error", finish);
    const subscription = socket.subscribeToJob(jobId, {
      onProgress: (p) =>
        update((job) => ({
          ...(job ?? { jobId, imageUrl: null, result: null, error: null }),
          status: p.status,
          progress: p.progress,
          message: p.message,
        })),
      onCompleted: (p) => {
        update((job) => ({
          ...(job ?? { jobId, message: "Image ready" }),
          status: "completed",
          progress: 100,
          imageUrl: p.imageUrl,
          result: (p.result ?? null) as ImageResult | null,
          error: null,
        }));
        finish();
      },
      onFailed: (p) => {
        update((job) => ({
          ...(job ?? { jobId, progress: 0, imageUrl: null, result: null }),
          status: p.status,
          message: p.error,
          error: p.error,
        }));
        finish();
      },
      onError: (error) => finish(new Error(error.message)),
    });
    subscription.ready.then((ack) => {
      if (ack.ok) clearTimeout(timer);
      else finish(new Error(ack.error ?? "the subscription was refused"));
    }, finish);
  });
}

/**
 * Seed 004's `useImageGeneration`: queue an image from a photo and follow it over
 * Socket.IO (`job_progress`, `job_completed` with `imageUrl`, `job_failed` with `error`),
 * polling its status route if the socket cannot connect.
 */
export function useImageGeneration(options: UseImageGenerationOptions = {}): UseImageGenerationResult {
  const client = useClientOf(options.client);
  const callbacks = useRef<Callbacks>(options);
  callbacks.current = options;
  const [jobId, setJobId] = useState<string | null>(null);
  const [queued, setQueued] = useState<ImageJob | null>(null);
  const [requestError, setRequestError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const makeSource = useCallback((): FollowSource<ImageJob> => {
    const id = jobId ?? "";
    // One announcer per follow: read and push share it, so a fallback repeats nothing.
    let announce: ((job: ImageJob) => void) | null = null;
    const announced = (signal: AbortSignal) => (announce ??= announcer(callbacks, signal));
    return {
      read: async (signal) => {
        const job = fromStatus(await client.snap2story.status(id, { signal }));
        announced(signal)(job);
        return job;
      },
      push: (signal, update) =>
        socketPush(client, id, signal, (next) =>
          update((previous) => {
            const job = next(previous);
            if (job !== null) announced(signal)(job);
            return job;
          }),
        ),
      isFinal: (job) => FINAL.has(job.status),
      same: (a, b) => a.status === b.status && a.progress === b.progress && a.message === b.message,
    };
  }, [client, jobId]);
  const followed = useFollow<ImageJob>(jobId, makeSource, options.poll);

  const generateImage = useCallback(
    async (request: GenerateImage, create: { idempotencyKey?: string } = {}) => {
      setRequestError(null);
      setSubmitting(true);
      try {
        const answer = await client.snap2story.generateImage(request, create);
        setQueued({
          jobId: answer.jobId,
          status: "queued",
          progress: 0,
          message: answer.message,
          imageUrl: null,
          result: null,
          error: null,
        });
        setJobId(answer.jobId);
        return answer.jobId;
      } catch (error) {
        setRequestError(error instanceof Error ? error.message : String(error));
        throw error;
      } finally {
        setSubmitting(false);
      }
    },
    [client],
  );

  const cancel = useCallback(async () => {
    if (jobId === null) return;
    try {
      await client.snap2story.cancel(jobId);
    } catch (error) {
      setRequestError(error instanceof Error ? error.message : String(error));
    }
  }, [client, jobId]);

  const currentJob = followed.value?.jobId === jobId && followed.value !== null ? followed.value : queued?.jobId === jobId ? queued : null;
  return useMemo(
    () => ({
      generateImage,
      currentJob,
      isGenerating: submitting || (currentJob !== null && !FINAL.has(currentJob.status)),
      error: requestError ?? currentJob?.error ?? null,
      cancel,
      transport: followed.transport,
    }),
    [generateImage, currentJob, submitting, requestError, cancel, followed.transport],
  );
}
