import type { ReactElement, ReactNode } from "react";
import { ProgressBar } from "./ProgressBar.js";
import { useJob, type UseJobOptions, type UseJobResult } from "./useJob.js";

const LABELS: Record<string, string> = {
  pending: "Waiting",
  delayed: "Retrying soon",
  active: "Running",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
};

export interface JobCardViewProps {
  /** What {@link useJob} returns for the job. */
  state: UseJobResult;
  /** A heading (default: the job's type). */
  title?: ReactNode;
  /** Shown under the bar once the job completed (e.g. the image it made). */
  children?: ReactNode;
  className?: string;
}

/** A job's status, progress bar, failure reason and Cancel / Retry buttons. */
export function JobCardView({ state, title, children, className }: JobCardViewProps): ReactElement {
  const { job, status, progress, failedReason, error, isFinal } = state;
  const label = status ? (LABELS[status] ?? status) : "Loading";
  const canRetry = status === "failed" || status === "cancelled";
  return (
    <article
      className={["gq-job-card", status ? `gq-job-card--${status}` : "", className].filter(Boolean).join(" ")}
      aria-busy={!isFinal}
      data-status={status ?? "loading"}
    >
      <header className="gq-job-card__header">
        <h3 className="gq-job-card__title">{title ?? job?.type ?? "Job"}</h3>
        <span className="gq-job-card__status" role="status">
          {label}
        </span>
      </header>
      <ProgressBar progress={progress} label={`Progress of ${job?.type ?? "the job"}`} />
      {status === "delayed" && failedReason ? (
        <p className="gq-job-card__retrying">Attempt failed: {failedReason}</p>
      ) : null}
      {status === "failed" ? (
        <p className="gq-job-card__reason" role="alert">
          {failedReason ?? "The job failed."}
        </p>
      ) : null}
      {error ? (
        <p className="gq-job-card__error" role="alert">
          {error.message}
        </p>
      ) : null}
      {status === "completed" ? children : null}
      <footer className="gq-job-card__actions">
        {!isFinal && job !== null ? (
          <button
            type="button"
            onClick={() => void state.cancel()}
            disabled={job.cancelRequested || state.isCancelling}
          >
            {job.cancelRequested || state.isCancelling ? "Cancelling…" : "Cancel"}
          </button>
        ) : null}
        {canRetry ? (
          <button type="button" onClick={() => void state.retry()} disabled={state.isRetrying}>
            {state.isRetrying ? "Retrying…" : "Retry"}
          </button>
        ) : null}
      </footer>
    </article>
  );
}

export interface JobCardProps extends UseJobOptions {
  jobId: string;
  title?: ReactNode;
  children?: ReactNode;
  className?: string;
}

/** A live card of one job: {@link useJob} and {@link JobCardView} together. */
export function JobCard({ jobId, title, children, className, ...options }: JobCardProps): ReactElement {
  const state = useJob(jobId, options);
  return (
    <JobCardView state={state} title={title} className={className}>
      {children}
    </JobCardView>
  );
}
