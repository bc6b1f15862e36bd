import { useCallback, useMemo, useRef, useState } from "react";
import type { GenqueueClient } from "../client.js";
import { errorMessage } from "../errors.js";
import type { JobCompletedPayload, JobFailedPayload, JobProgressPayload, SocketJobStatus } from "../socket.js";
import { type GenerateImage, type ImageJobStatus, type ImageResult, isFinalStatus } from "../types.js";
import type { PollPolicy } from "./backoff.js";
import { useClientOf } from "./context.js";
import type { FollowSource } from "./follow.js";
import { followOnSocket } from "./socketFollow.js";
import { useFinalOnce } from "./useFinalOnce.js";
import { useFollow } from "./useFollow.js";
import { useSubmission } from "./useSubmission.js";

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
   * job id, or with null when the server refuses the request (the message is then in
   * `error`): it never rejects, so seed 004's `await generateImage(...)` needs no try/catch. */
  generateImage: (request: GenerateImage, options?: { idempotencyKey?: string }) => Promise<string | null>;
  currentJob: ImageJob | null;
  /** True from the submit until the job is final, or following it stopped on an error. */
  isGenerating: boolean;
  /** The job's failure (`error.error` of `onFailed`), a refused request's message, or why
   * following the job stopped (a 404, a lost token). */
  error: string | null;
  /** `DELETE /api/jobs/{jobId}`: `onFailed` follows with `status: "cancelled"`. */
  cancel: () => Promise<void>;
  /** How the job is followed now: "push" (Socket.IO) or "polling". */
  transport: "push" | "polling" | null;
}


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

/** Calls `onProgress` for each new progress of a follow, none once the job is final
 * (the final callbacks are {@link useFinalOnce}'s). */
function progressAnnouncer(callbacks: { current: Callbacks }, signal: AbortSignal) {
  let last: ImageJob | null = null;
  return (job: ImageJob): void => {
    if (signal.aborted || isFinalStatus(job.status)) return;
    const previous = last;
    last = job;
    if (previous === null || previous.progress !== job.progress || previous.message !== job.message) {
      callbacks.current.onProgress?.({ jobId: job.jobId, status: job.status, progress: job.progress, message: job.message });
    }
  };
}

function socketPush(
  client: GenqueueClient,
  jobId: string,
  signal: AbortSignal,
  update: (next: (previous: ImageJob | null) => ImageJob | null) => void,
): Promise<void> {
  return followOnSocket(client, jobId, signal, (run) => ({
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
      run.finish();
    },
    onFailed: (p) => {
      update((job) => ({
        ...(job ?? { jobId, progress: 0, imageUrl: null, result: null }),
        status: p.status,
        message: p.error,
        error: p.error,
      }));
      run.finish();
    },
  }));
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
  const { requestError, submitting, submit, request } = useSubmission();

  const makeSource = useCallback((): FollowSource<ImageJob> => {
    const id = jobId ?? "";
    // One announcer per follow: read and push share it, so a fallback repeats nothing.
    let announce: ((job: ImageJob) => void) | null = null;
    const announced = (signal: AbortSignal) => (announce ??= progressAnnouncer(callbacks, signal));
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
      isFinal: (job) => isFinalStatus(job.status),
      same: (a, b) => a.status === b.status && a.progress === b.progress && a.message === b.message,
    };
  }, [client, jobId]);
  const followed = useFollow<ImageJob>(jobId, makeSource, options.poll);

  const generateImage = useCallback(
    (image: GenerateImage, create: { idempotencyKey?: string } = {}) =>
      submit(
        () => client.snap2story.generateImage(image, create),
        (answer) => {
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
        },
      ),
    [client, submit],
  );

  const cancel = useCallback(async () => {
    if (jobId !== null) await request(() => client.snap2story.cancel(jobId));
  }, [client, jobId, request]);

  const currentJob =
    followed.value !== null && followed.value.jobId === jobId ? followed.value : queued?.jobId === jobId ? queued : null;
  useFinalOnce(
    currentJob,
    (job) => (isFinalStatus(job.status) ? `${job.jobId}:${job.status}` : null),
    (job) => {
      const { onCompleted, onFailed } = callbacks.current;
      if (job.status === "completed") {
        onCompleted?.({ jobId: job.jobId, status: job.status, imageUrl: job.imageUrl, result: job.result });
      } else {
        onFailed?.({ jobId: job.jobId, status: job.status, error: job.error ?? "Job failed" });
      }
    },
  );
  // following ends at a final state, on unmount, or on an error it cannot get past
  const stoppedOnError = !followed.following && followed.error !== null && followed.error !== undefined;
  const followError = stoppedOnError ? errorMessage(followed.error) : null;
  return useMemo(
    () => ({
      generateImage,
      currentJob,
      isGenerating: submitting || (currentJob !== null && !isFinalStatus(currentJob.status) && !stoppedOnError),
      error: requestError ?? currentJob?.error ?? followError,
      cancel,
      transport: followed.transport,
    }),
    [generateImage, currentJob, submitting, requestError, cancel, followed.transport, stoppedOnError, followError],
  );
}
