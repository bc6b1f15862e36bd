import { useCallback, useMemo, useState } from "react";
import type { GenqueueClient } from "../client.js";
import type { ImageOptions, MediaJobView, VideoOptions } from "../types.js";
import { useClientOf } from "./context.js";
import type { SeedHookOptions } from "./useCharacterCreation.js";
import { useJobPolling } from "./useJobPolling.js";

export interface UseMediaGenerationResult {
  /** `POST /api/v1/characters/{characterId}/generate-image/queue`; resolves with the job id. */
  generateImage: (characterId: string, image?: ImageOptions) => Promise<string>;
  /** `POST /api/v1/characters/{characterId}/media/{mediaId}/generate-video/queue`. */
  generateVideo: (characterId: string, mediaId: string, video: VideoOptions) => Promise<string>;
  /** 0–100 (image milestones 20/40/60/80/100; video 10…100). */
  progress: number;
  /** Seed 001's words (null before a job). */
  status: string | null;
  job: MediaJobView | null;
  /** The failure reason, or a refused request's message. */
  error: string | null;
  /** The finished image's or video's URL (`/assets/...`, absolute with the client's base URL). */
  mediaUrl: string | null;
  isGenerating: boolean;
  /** `DELETE /api/v1/media-jobs/{jobId}`. */
  cancel: () => Promise<void>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Seed 000's `useMediaGeneration(token)`: an image or a video of a character, polled at
 * `GET /api/v1/media-jobs/{jobId}` until it is done. */
export function useMediaGeneration(
  tokenOrClient?: string | GenqueueClient,
  options: SeedHookOptions = {},
): UseMediaGenerationResult {
  const client = useClientOf(tokenOrClient);
  const [jobId, setJobId] = useState<string | null>(null);
  const [requestError, setRequestError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const fetchJob = useCallback(
    (id: string, signal: AbortSignal) => client.characters.mediaJob(id, { signal }),
    [client],
  );
  const polled = useJobPolling<MediaJobView>(jobId, {
    client,
    fetchJob,
    interval: options.interval ?? 1_000,
  });

  const queue = useCallback(async (send: () => Promise<{ jobId: string }>) => {
    setRequestError(null);
    setSubmitting(true);
    try {
      const queued = await send();
      setJobId(queued.jobId);
      return queued.jobId;
    } catch (error) {
      setRequestError(message(error));
      throw error;
    } finally {
      setSubmitting(false);
    }
  }, []);

  const generateImage = useCallback(
    (characterId: string, image: ImageOptions = {}) =>
      queue(() => client.characters.queueImage(characterId, image)),
    [client, queue],
  );
  const generateVideo = useCallback(
    (characterId: string, mediaId: string, video: VideoOptions) =>
      queue(() => client.characters.queueVideo(characterId, mediaId, video)),
    [client, queue],
  );
  const cancel = useCallback(async () => {
    if (jobId === null) return;
    try {
      await client.characters.cancelMediaJob(jobId);
    } catch (error) {
      setRequestError(message(error));
    }
  }, [client, jobId]);

  const job = polled.job;
  const url = job?.result?.url ?? null;
  return useMemo(
    () => ({
      generateImage,
      generateVideo,
      progress: job?.progress ?? 0,
      status: job?.status ?? (submitting ? "pending" : null),
      job,
      error: requestError ?? polled.failedReason ?? (polled.error ? polled.error.message : null),
      mediaUrl: url === null ? null : client.assetUrl(url),
      isGenerating: submitting || (jobId !== null && polled.isPolling),
      cancel,
    }),
    [generateImage, generateVideo, job, submitting, requestError, polled, url, client, jobId, cancel],
  );
}
