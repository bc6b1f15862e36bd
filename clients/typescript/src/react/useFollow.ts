import { useEffect, useRef, useState } from "react";
import { pollPolicy, type PollPolicy } from "./backoff.js";
import { followJob, type FollowSource, type Transport } from "./follow.js";

export interface FollowState<T> {
  value: T | null;
  /** The last error of a read or of the push channel (a later success clears it). */
  error: unknown;
  transport: Transport | null;
  /** True from the start of following until a final state, an abort or a fatal error. */
  following: boolean;
}

const IDLE: FollowState<never> = { value: null, error: null, transport: null, following: false };

/**
 * Follows the job that `makeSource` describes while `key` is not null; a new `key`, or a
 * new `generation` (after a retry), starts again. Unmounting aborts every request, and so
 * does `enabled: false` (keeping the last state).
 */
export function useFollow<T>(
  key: string | null,
  makeSource: () => FollowSource<T>,
  policy?: Partial<PollPolicy>,
  generation = 0,
  enabled = true,
): FollowState<T> {
  const [state, setState] = useState<FollowState<T>>(IDLE);
  const makeRef = useRef(makeSource);
  makeRef.current = makeSource;
  const policyRef = useRef(policy);
  policyRef.current = policy;
  const keyRef = useRef<string | null>(null);

  useEffect(() => {
    if (key === null) {
      keyRef.current = null;
      setState(IDLE);
      return undefined;
    }
    if (!enabled) {
      setState((previous) => ({ ...previous, following: false }));
      return undefined;
    }
    const controller = new AbortController();
    const { signal } = controller;
    const sameKey = keyRef.current === key;
    keyRef.current = key;
    // A retry keeps showing the job until its next state arrives; another job starts blank.
    setState((previous) => ({ ...IDLE, value: sameKey ? previous.value : null, following: true }));
    const listener = {
      value: (value: T) => {
        if (!signal.aborted) setState((s) => ({ ...s, value, error: null }));
      },
      error: (error: unknown) => {
        if (!signal.aborted) setState((s) => ({ ...s, error }));
      },
      transport: (transport: Transport) => {
        if (!signal.aborted) setState((s) => ({ ...s, transport }));
      },
    };
    followJob(makeRef.current(), signal, listener, pollPolicy(policyRef.current))
      .catch((error: unknown) => listener.error(error))
      .finally(() => {
        if (!signal.aborted) setState((s) => ({ ...s, following: false }));
      });
    return () => controller.abort();
  }, [key, generation, enabled]);

  return state;
}
