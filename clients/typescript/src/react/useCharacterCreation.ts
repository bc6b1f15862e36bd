import { useCallback, useMemo, useState } from "react";
import type { GenqueueClient } from "../client.js";
import type { CharacterData, CharacterJobView } from "../types.js";
import { useClientOf } from "./context.js";
import { useJobPolling } from "./useJobPolling.js";

export interface SeedHookOptions {
  /** ms between status polls (default 1000; longer while nothing changes). */
  interval?: number;
}

export interface UseCharacterCreationResult {
  /** `POST /api/v1/characters/queue`, then polls `GET /api/v1/character-jobs/{jobId}`;
   * resolves with the job id (rejects, and sets `error`, when the server refuses). */
  createCharacter: (character: CharacterData, options?: { idempotencyKey?: string }) => Promise<string>;
  /** 0–100: seed 001's milestones 10, 30, 40, 60, 80, 100. */
  progress: number;
  /** Seed 001's words: pending, active, completed, failed, cancelled (null before a job). */
  status: string | null;
  job: CharacterJobView | null;
  /** The failure reason of the job, or the message of a refused request. */
  error: string | null;
  /** The new character's id once the job completed. */
  characterId: string | null;
  isCreating: boolean;
  /** `DELETE /api/v1/character-jobs/{jobId}`. */
  cancel: () => Promise<void>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Seed 000's `useCharacterCreation(token)`: queue a character and watch its milestones. */
export function useCharacterCreation(
  tokenOrClient?: string | GenqueueClient,
  options: SeedHookOptions = {},
): UseCharacterCreationResult {
  const client = useClientOf(tokenOrClient);
  const [jobId, setJobId] = useState<string | null>(null);
  const [requestError, setRequestError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const fetchJob = useCallback(
    (id: string, signal: AbortSignal) => client.characters.job(id, { signal }),
    [client],
  );
  const polled = useJobPolling<CharacterJobView>(jobId, {
    client,
    fetchJob,
    interval: options.interval ?? 1_000,
  });

  const createCharacter = useCallback(
    async (character: CharacterData, create: { idempotencyKey?: string } = {}) => {
      setRequestError(null);
      setSubmitting(true);
      try {
        const queued = await client.characters.queue(character, create);
        setJobId(queued.jobId);
        return queued.jobId;
      } catch (error) {
        setRequestError(message(error));
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
      await client.characters.cancelJob(jobId);
    } catch (error) {
      setRequestError(message(error));
    }
  }, [client, jobId]);

  const job = polled.job;
  return useMemo(
    () => ({
      createCharacter,
      progress: job?.progress ?? 0,
      status: job?.status ?? (submitting ? "pending" : null),
      job,
      error: requestError ?? polled.failedReason ?? (polled.error ? polled.error.message : null),
      characterId: job?.result?.characterId ?? null,
      isCreating: submitting || (jobId !== null && polled.isPolling),
      cancel,
    }),
    [createCharacter, job, submitting, requestError, polled, jobId, cancel],
  );
}
