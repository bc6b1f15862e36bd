import { useCallback, useMemo } from "react";
import type { GenqueueClient } from "../client.js";
import type { ImageOptions, MediaJobView, VideoOptions } from "../types.js";
import { useClientOf } from "./context.js";
import type { SeedHookOptions } from "./useCharacterCreation.js";
import { useSeedJob } from "./useSeedJob.js";

export interface UseMediaGenerationResult {
  /** `POST /api/v1/characters/{characterId}/generate-image/queue`; resolves with the job
   * id, or with null when the server refuses (the message is then in `error`). */
  generateImage: (characterId: string, image?: ImageOptions) => Promise<string | null>;
  /** `POST /api/v1/characters/{characterId}/media/{mediaId}/generate-video/queue`; like
   * `generateImage`, null when refused. */
  generateVideo: (characterId: string, mediaId: string, video: VideoOptions) => Promise<string | null>;
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

/** Seed 000's `useMediaGeneration(token)`: an image or a video of a character, polled at
 * `GET /api/v1/media-jobs/{jobId}` until it is done. */
export function useMediaGeneration(
  tokenOrClient?: string | GenqueueClient,
  options: SeedHookOptions = {},
): UseMediaGenerationResult {
  const client = useClientOf(tokenOrClient);
  const fetchJob = useCallback(
    (id: string, signal: AbortSignal) => client.characters.mediaJob(id, { signal }),
    [client],
  );
  const cancelJob = useCallback((id: string) => client.characters.cancelMediaJob(id), [client]);
  const seed = useSeedJob<MediaJobView>(client, fetchJob, cancelJob, options.interval ?? 1_000);
  const { submit } = seed;
  const generateImage = useCallback(
    (characterId: string, image: ImageOptions = {}) =>
      submit(() => client.characters.queueImage(characterId, image)),
    [client, submit],
  );
  const generateVideo = useCallback(
    (characterId: string, mediaId: string, video: VideoOptions) =>
      submit(() => client.characters.queueVideo(characterId, mediaId, video)),
    [client, submit],
  );

  const job = seed.polled.job;
  const url = job?.result?.url ?? null;
  return useMemo(
    () => ({
      generateImage,
      generateVideo,
      progress: job?.progress ?? 0,
      status: job?.status ?? (seed.submitting ? "pending" : null),
      job,
      error: seed.error,
      mediaUrl: url === null ? null : client.assetUrl(url),
      isGenerating: seed.busy,
      cancel: seed.cancel,
    }),
    [generateImage, generateVideo, job, seed.submitting, seed.error, seed.busy, seed.cancel, url, client],
  );
}
