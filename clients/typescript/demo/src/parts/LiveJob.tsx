import type { ReactElement, ReactNode } from "react";
import { JobCardView, type UseJobResult } from "../../../src/react/index.js";

export interface LiveJobProps {
  /** Prefix of the test id, e.g. "story". */
  name: string;
  jobId: string;
  state: UseJobResult;
  title: ReactNode;
  /** Shown once the job completed. */
  children?: ReactNode;
}

/** The package's `JobCardView` of a job `useJob` follows, tagged for the browser tests. */
export function LiveJob({ name, jobId, state, title, children }: LiveJobProps): ReactElement {
  return (
    <div
      className="job"
      data-testid={`${name}-job`}
      data-job-id={jobId}
      data-status={state.status ?? "loading"}
      data-transport={state.transport ?? ""}
    >
      <JobCardView state={state} title={title}>
        {children}
      </JobCardView>
    </div>
  );
}
