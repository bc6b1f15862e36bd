/**
 * One progress shape for every route's answer: the generic API and seed 002 send
 * `{percentage, current, total, currentTask}`, seeds 001 and 004 a bare 0–100 number,
 * Socket.IO's `job_progress` `{progress, message, current, total}`.
 */
export interface ProgressInfo {
  /** 0–100, rounded to one decimal. */
  percentage: number;
  current: number | null;
  total: number | null;
  currentTask: string | null;
}

export const NO_PROGRESS: ProgressInfo = Object.freeze({
  percentage: 0,
  current: null,
  total: null,
  currentTask: null,
});

function clampPercentage(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.round(Math.min(100, Math.max(0, value)) * 10) / 10;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** Reads any of the shapes above; anything else is no progress. */
export function toProgress(value: unknown, task?: unknown): ProgressInfo {
  if (typeof value === "number") {
    return { ...NO_PROGRESS, percentage: clampPercentage(value), currentTask: stringOrNull(task) };
  }
  if (value === null || typeof value !== "object") return NO_PROGRESS;
  const fields = value as Record<string, unknown>;
  const percentage = numberOrNull(fields.percentage) ?? numberOrNull(fields.progress) ?? 0;
  return {
    percentage: clampPercentage(percentage),
    current: numberOrNull(fields.current),
    total: numberOrNull(fields.total),
    currentTask: stringOrNull(fields.currentTask) ?? stringOrNull(fields.message) ?? stringOrNull(task),
  };
}
