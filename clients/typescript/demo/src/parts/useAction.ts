import { useCallback, useState } from "react";
import { errorMessage } from "../../../src/index.js";

export interface Action<A extends unknown[]> {
  run: (...args: A) => Promise<void>;
  busy: boolean;
  /** The last run's error (an `ApiError` carries the server's message). */
  error: string | null;
}

/** Runs an async step (a submit) with a busy flag and its error kept for display. */
export function useAction<A extends unknown[]>(step: (...args: A) => Promise<void>): Action<A> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async (...args: A) => {
      setBusy(true);
      setError(null);
      try {
        await step(...args);
      } catch (caught) {
        setError(errorMessage(caught));
      } finally {
        setBusy(false);
      }
    },
    [step],
  );
  return { run, busy, error };
}
