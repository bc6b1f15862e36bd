import { useCallback, useMemo } from "react";
import type { GenqueueClient } from "../client.js";
import type { CharacterData, CharacterJobView } from "../types.js";
import { useClientOf } from "./context.js";
import { useSeedJob } from "./useSeedJob.js";

export interface SeedHookOptions {
  /** ms between status polls (default 1000; longer while nothing changes). */
  interval?: number;
}

export interface UseCharacterCreationResult {
  /** `POST /api/v1/characters/queue`, then polls `GET /api/v1/character-jobs/{jobId}`;
   * resolves with the job id, or with null when the server refuses (the message is then
   * in `error`): it never rejects, so `await createCharacter(...)` needs no try/catch. */
  createCharacter: (character: CharacterData, options?: { idempotencyKey?: string }) => Promise<string | null>;
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

/** Seed 000's `useCharacterCreation(token)`: queue a character and watch its milestones. */
export function useCharacterCreation(
  tokenOrClient?: string | GenqueueClient,
  options: SeedHookOptions = {},
): UseCharacterCreationResult {
  const client = useClientOf(tokenOrClient);
  const fetchJob = useCallback(
    (id: string, signal: AbortSignal) => client.characters.job(id, { signal }),
    [client],
  );
  const cancelJob = useCallback((id: string) => client.characters.cancelJob(id), [client]);
  const seed = useSeedJob<CharacterJobView>(client, fetchJob, cancelJob, options.interval ?? 1_000);
  const { submit } = seed;
  const createCharacter = useCallback(
    (character: CharacterData, create: { idempotencyKey?: string } = {}) =>
      submit(() => client.characters.queue(character, create)),
    [client, submit],
  );

  const job = seed.polled.job;
  return useMemo(
    () => ({
      createCharacter,
      progress: job?.progress ?? 0,
      status: job?.status ?? (seed.submitting ? "pending" : null),
      job,
      error: seed.error,
      characterId: job?.result?.characterId ?? null,
      isCreating: seed.busy,
      cancel: seed.cancel,
    }),
    [createCharacter, job, seed.submitting, seed.error, seed.busy, seed.cancel],
  );
}
