import type { ReactElement } from "react";
import { ProgressBar, type ProgressInfo } from "../../../src/react/index.js";

export interface JobStatusProps {
  /** Prefix of the test ids, e.g. "character". */
  name: string;
  jobId: string;
  /** The engine's state word. */
  status: string | null;
  progress: ProgressInfo;
  /** Why the job failed (or why its last attempt did, while it waits to retry). */
  failedReason: string | null;
  /** A request that failed (reading, cancelling). */
  error: Error | null;
  onCancel: () => void;
}

const FINAL = new Set(["completed", "failed", "cancelled"]);

/** A job's state, progress bar, cancel button, and the reason when it fails. */
export function JobStatus(props: JobStatusProps): ReactElement {
  const { name, jobId, status, progress, failedReason, error } = props;
  const final = status !== null && FINAL.has(status);
  return (
    <div className="job" data-testid={`${name}-job`} data-job-id={jobId} data-status={status ?? "submitted"}>
      <div className="job-head">
        <span className={`status status-${status ?? "pending"}`} data-testid={`${name}-status`}>
          {status ?? "submitted"}
        </span>
        <code className="job-id" title={jobId}>
          {jobId}
        </code>
        {final ? null : (
          <button
            className="btn btn-small btn-danger"
            type="button"
            data-testid={`${name}-cancel`}
            onClick={props.onCancel}
          >
            Cancel
          </button>
        )}
      </div>
      <ProgressBar
        progress={status === "completed" ? { ...progress, currentTask: "Done" } : progress}
        label={`${name} progress`}
      />
      {failedReason && status === "failed" ? (
        <p className="error" role="alert" data-testid={`${name}-failed-reason`}>
          Failed: {failedReason}
        </p>
      ) : null}
      {failedReason && !final ? (
        <p className="notice" data-testid={`${name}-failed-reason`}>
          Last attempt failed, retrying: {failedReason}
        </p>
      ) : null}
      {status === "cancelled" ? (
        <p className="notice" data-testid={`${name}-cancelled`}>
          Cancelled.
        </p>
      ) : null}
      {error ? (
        <p className="error" role="alert" data-testid={`${name}-error`}>
          {error.message}
        </p>
      ) : null}
    </div>
  );
}
