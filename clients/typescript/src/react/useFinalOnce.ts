import { useEffect, useRef } from "react";

/**
 * Calls `fire` once per final state a followed job reaches: `keyOf` names that state
 * (null while the job is not final), and a key already fired does not fire again, however
 * many renders, pushed patches or reads show it (the hooks key on the job, its final status
 * and their retry generation).
 */
export function useFinalOnce<T>(value: T | null, keyOf: (value: T) => string | null, fire: (value: T) => void): void {
  const fireRef = useRef(fire);
  fireRef.current = fire;
  const fired = useRef<string | null>(null);
  const key = value === null ? null : keyOf(value);
  useEffect(() => {
    if (key === null || value === null || fired.current === key) return;
    fired.current = key;
    fireRef.current(value);
  }, [key, value]);
}
