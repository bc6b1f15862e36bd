import type { ReactElement, ReactNode } from "react";
import type { JobView } from "../types.js";
import { ProgressBar } from "./ProgressBar.js";
import { useJobs, type UseJobsOptions } from "./useJobs.js";

export interface JobListProps extends UseJobsOptions {
  /** Renders more of a row (a link, a thumbnail); default nothing. */
  renderExtra?: (job: JobView) => ReactNode;
  /** Called with a job when its row is chosen. */
  onSelect?: (job: JobView) => void;
  className?: string;
}

/** The caller's jobs with status and progress, newest first, with Previous / Next paging. */
export function JobList({ renderExtra, onSelect, className, ...options }: JobListProps): ReactElement {
  const { jobs, pagination, page, pageCount, setPage, loading, error, reload } = useJobs(options);
  return (
    <section className={["gq-job-list", className].filter(Boolean).join(" ")} aria-busy={loading}>
      {error ? (
        <p className="gq-job-list__error" role="alert">
          {error.message}
        </p>
      ) : null}
      {jobs.length === 0 && !loading ? <p className="gq-job-list__empty">No jobs yet.</p> : null}
      <ul className="gq-job-list__items">
        {jobs.map((job) => (
          <li key={job.jobId} className="gq-job-list__item" data-status={job.status}>
            <div className="gq-job-list__row">
              {onSelect ? (
                <button type="button" className="gq-job-list__type" onClick={() => onSelect(job)}>
                  {job.type}
                </button>
              ) : (
                <span className="gq-job-list__type">{job.type}</span>
              )}
              <span className="gq-job-list__status">{job.status}</span>
              <time className="gq-job-list__time" dateTime={job.createdAt ?? undefined}>
                {job.createdAt ? new Date(job.createdAt).toLocaleString() : ""}
              </time>
            </div>
            <ProgressBar progress={job.progress} label={`Progress of ${job.type} ${job.jobId}`} />
            {job.status === "failed" && job.failedReason ? (
              <p className="gq-job-list__reason">{job.failedReason}</p>
            ) : null}
            {renderExtra ? renderExtra(job) : null}
          </li>
        ))}
      </ul>
      <nav className="gq-job-list__paging" aria-label="Pages">
        <button type="button" onClick={() => setPage(page - 1)} disabled={page <= 1}>
          Previous
        </button>
        <span className="gq-job-list__page">
          Page {page} of {pageCount}
          {pagination ? ` · ${pagination.total} jobs` : ""}
        </span>
        <button type="button" onClick={() => setPage(page + 1)} disabled={!pagination?.hasMore}>
          Next
        </button>
        <button type="button" onClick={reload}>
          Refresh
        </button>
      </nav>
    </section>
  );
}
