import { useCallback, useState } from "react";
import type { GenqueueClient } from "../client.js";
import { useJobPolling, type PolledJob, type UseJobPollingResult } from "./useJobPolling.js";
import { type Submission, useSubmission } from "./useSubmission.js";

/** What seed 000's creation hooks share: one job at a time, queued by a submit, polled at
 * its status route, cancelled at its own route. */
export interface SeedJob<J extends PolledJob> {
  jobId: string | null;
  polled: UseJobPollingResult<J>;
  submitting: boolean;
  /** Queues a job (see {@link Submission.submit}: null when refused, never rejects). */
  submit: (send: () => Promise<{ jobId: string }>) => Promise<string | null>;
  /** Cancels the current job; a refusal lands in `error`. */
  cancel: () => Promise<void>;
  /** The refused request's message, else the job's failure reason, else a failed poll's. */
  error: string | null;
  /** True from the submit until the job is final (or polling stopped). */
  busy: boolean;
}

export function useSeedJob<J extends PolledJob>(
  client: GenqueueClient,
  fetchJob: (jobId: string, signal: AbortSignal) => Promise<J>,
  cancelJob: (jobId: string) => Promise<unknown>,
  interval: number,
): SeedJob<J> {
  const [jobId, setJobId] = useState<string | null>(null);
  const submission = useSubmission();
  const polled = useJobPolling<J>(jobId, { client, fetchJob, interval });
  const { submit: send, request } = submission;
  const submit = useCallback(
    (queue: () => Promise<{ jobId: string }>) => send(queue, (answer) => setJobId(answer.jobId)),
    [send],
  );
  const cancel = useCallback(async () => {
    if (jobId !== null) await request(() => cancelJob(jobId));
  }, [request, cancelJob, jobId]);
  return {
    jobId,
    polled,
    submitting: submission.submitting,
    submit,
    cancel,
    error: submission.requestError ?? polled.failedReason ?? (polled.error ? polled.error.message : null),
    busy: submission.submitting || (jobId !== null && polled.isPolling),
  };
}
