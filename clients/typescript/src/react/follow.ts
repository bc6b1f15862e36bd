import { sleep } from "../http.js";
import { nextDelay, type PollOutcome, type PollPolicy } from "./backoff.js";

/** How a job's state of shape `T` is read once (a poll), and optionally pushed. */
export interface FollowSource<T> {
  /** One read of the job, e.g. `GET /api/v1/jobs/{id}`. */
  read(signal: AbortSignal): Promise<T>;
  /**
   * Streams the job's state, calling `update` with each new one; resolves when the job
   * reached a final state (or the stream ended by the server's choice), rejects when the
   * push channel fails. Absent: polling only.
   */
  push?: (signal: AbortSignal, update: (next: (previous: T | null) => T | null) => void) => Promise<void>;
  isFinal(value: T): boolean;
  /** Two reads that show the same thing (polling backs off while they do). */
  same(a: T, b: T): boolean;
}

export type Transport = "push" | "polling";

export interface FollowListener<T> {
  value(value: T): void;
  error(error: unknown): void;
  transport(transport: Transport): void;
}

/** ms to wait before the next poll when the error says so (`Retry-After`), else null. */
export function retryAfterMs(error: unknown): number | null {
  if (error === null || typeof error !== "object") return null;
  const seconds = (error as { retryAfter?: unknown }).retryAfter;
  return typeof seconds === "number" && Number.isFinite(seconds) ? seconds * 1000 : null;
}

/** Errors after which another poll cannot succeed: every 4xx answer except 408 (a
 * timeout) and 429 (too many requests), which a later poll can get past. */
export function isFatal(error: unknown): boolean {
  if (error === null || typeof error !== "object") return false;
  const status = (error as { status?: unknown }).status;
  return typeof status === "number" && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof Error && error.name === "AbortError");
}

async function pushPhase<T>(
  source: FollowSource<T>,
  signal: AbortSignal,
  listener: FollowListener<T>,
  latest: { value: T | null },
): Promise<boolean> {
  if (!source.push) return false;
  listener.transport("push");
  try {
    await source.push(signal, (next) => {
      const value = next(latest.value);
      if (value !== null && value !== latest.value) {
        latest.value = value;
        listener.value(value);
      }
    });
  } catch (error) {
    if (isAbort(error, signal)) return true;
    if (isFatal(error)) {
      listener.error(error);
      return true;
    }
    return false;
  }
  return latest.value !== null && source.isFinal(latest.value);
}

async function pollPhase<T>(
  source: FollowSource<T>,
  signal: AbortSignal,
  listener: FollowListener<T>,
  latest: { value: T | null },
  policy: PollPolicy,
): Promise<void> {
  listener.transport("polling");
  let delay = policy.initialMs;
  while (!signal.aborted) {
    let outcome: PollOutcome;
    let wait: number | null = null;
    try {
      const value = await source.read(signal);
      if (signal.aborted) return;
      outcome = latest.value !== null && source.same(latest.value, value) ? "unchanged" : "changed";
      latest.value = value;
      if (outcome === "changed") listener.value(value);
      if (source.isFinal(value)) return;
    } catch (error) {
      if (isAbort(error, signal)) return;
      listener.error(error);
      if (isFatal(error)) return;
      outcome = "failed";
      wait = retryAfterMs(error);
    }
    delay = nextDelay(delay, outcome, policy, wait);
    try {
      await sleep(delay, signal);
    } catch {
      return; // aborted
    }
  }
}

/**
 * Follows a job until it is final or `signal` aborts: push first when the source has it,
 * polling with backoff when push fails (or ends before a final state) or is absent.
 */
export async function followJob<T>(
  source: FollowSource<T>,
  signal: AbortSignal,
  listener: FollowListener<T>,
  policy: PollPolicy,
): Promise<void> {
  const latest: { value: T | null } = { value: null };
  if (await pushPhase(source, signal, listener, latest)) return;
  if (signal.aborted) return;
  await pollPhase(source, signal, listener, latest, policy);
}
