import { useCallback, useState } from "react";
import { errorMessage } from "../errors.js";

/** The submit and cancel plumbing of the seed hooks: a request's error as a message. */
export interface Submission {
  /** The last refused request's message (a submit, a cancel), or null. */
  requestError: string | null;
  /** True while a submit is under way. */
  submitting: boolean;
  /** Sends a submit: resolves with the job id `send` answers, or with null when the
   * request was refused (its message is then in `requestError`): it never rejects, so
   * `await generateImage(...)` without a try/catch is safe. */
  submit: <Q extends { jobId: string }>(send: () => Promise<Q>, queued: (answer: Q) => void) => Promise<string | null>;
  /** Runs another request (a cancel); a refusal lands in `requestError`. */
  request: (send: () => Promise<unknown>) => Promise<void>;
}

export function useSubmission(): Submission {
  const [requestError, setRequestError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const submit = useCallback(
    async <Q extends { jobId: string }>(send: () => Promise<Q>, queued: (answer: Q) => void) => {
      setRequestError(null);
      setSubmitting(true);
      try {
        const answer = await send();
        queued(answer);
        return answer.jobId;
      } catch (error) {
        setRequestError(errorMessage(error));
        return null;
      } finally {
        setSubmitting(false);
      }
    },
    [],
  );
  const request = useCallback(async (send: () => Promise<unknown>) => {
    try {
      await send();
    } catch (error) {
      setRequestError(errorMessage(error));
    }
  }, []);
  return { requestError, submitting, submit, request };
}
