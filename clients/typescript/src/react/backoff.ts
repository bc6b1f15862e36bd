/** Polling delays: back to the first delay when something changed, longer when nothing
 * did or a request failed, never longer than the maximum; a server's `Retry-After` wins. */
export interface PollPolicy {
  /** ms before the first poll and after a change (default 500). */
  initialMs: number;
  /** The longest wait between two polls, in ms (default 10 000). */
  maximumMs: number;
  /** Growth per unchanged poll (default 1.5; 1 polls at a steady rate). */
  factor: number;
  /** Growth per failed poll (default 2). */
  failureFactor: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = Object.freeze({
  initialMs: 500,
  maximumMs: 10_000,
  factor: 1.5,
  failureFactor: 2,
});

export function pollPolicy(overrides: Partial<PollPolicy> | undefined): PollPolicy {
  return { ...DEFAULT_POLL_POLICY, ...overrides };
}

export type PollOutcome = "changed" | "unchanged" | "failed";

export function nextDelay(
  previousMs: number,
  outcome: PollOutcome,
  policy: PollPolicy,
  retryAfterMs?: number | null,
): number {
  let delay: number;
  if (outcome === "changed") delay = policy.initialMs;
  else if (outcome === "unchanged") delay = previousMs * policy.factor;
  else delay = previousMs * policy.failureFactor;
  delay = Math.min(policy.maximumMs, Math.max(policy.initialMs, delay));
  return retryAfterMs != null && retryAfterMs > delay ? retryAfterMs : delay;
}
