import type { ReactElement } from "react";
import { toProgress, type ProgressInfo } from "./progress.js";

export interface ProgressBarProps {
  /** A job's progress in any route's shape, or a bare 0–100 number. */
  progress: ProgressInfo | number | null | undefined;
  /** Shown beside the percentage when `progress` carries no `currentTask`. */
  currentTask?: string | null;
  /** The accessible name (default "Progress"). */
  label?: string;
  className?: string;
}

function valueText(progress: ProgressInfo): string {
  const parts = [`${progress.percentage}%`];
  if (progress.current !== null && progress.total !== null) {
    parts.push(`${progress.current} of ${progress.total}`);
  }
  if (progress.currentTask) parts.push(progress.currentTask);
  return parts.join(" · ");
}

/** A bar with the percentage and the current task, exposed as an ARIA progressbar. */
export function ProgressBar({
  progress,
  currentTask,
  label = "Progress",
  className,
}: ProgressBarProps): ReactElement {
  const info = toProgress(progress ?? 0, currentTask);
  const text = valueText(info);
  return (
    <div className={["gq-progress", className].filter(Boolean).join(" ")}>
      <div
        className="gq-progress__track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={info.percentage}
        aria-valuetext={text}
      >
        <div className="gq-progress__fill" style={{ width: `${info.percentage}%` }} />
      </div>
      <div className="gq-progress__text">
        <span className="gq-progress__percentage">{info.percentage}%</span>
        {info.currentTask ? <span className="gq-progress__task">{info.currentTask}</span> : null}
      </div>
    </div>
  );
}
