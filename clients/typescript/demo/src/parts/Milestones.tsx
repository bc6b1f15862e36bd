import { useEffect, useRef, useState, type ReactElement } from "react";

export interface Milestone {
  percentage: number;
  label: string;
}

/** Seed 001's progress milestones of each job type. */
export const CHARACTER_MILESTONES: readonly Milestone[] = [
  { percentage: 10, label: "Character document created" },
  { percentage: 30, label: "Linked documents created" },
  { percentage: 40, label: "Character populated" },
  { percentage: 60, label: "AI personality generated" },
  { percentage: 80, label: "AI image generated" },
  { percentage: 100, label: "Complete" },
];

export const IMAGE_MILESTONES: readonly Milestone[] = [
  { percentage: 20, label: "Character loaded" },
  { percentage: 40, label: "Character data populated" },
  { percentage: 60, label: "Image generation started" },
  { percentage: 80, label: "Media entry created" },
  { percentage: 100, label: "Complete" },
];

export const VIDEO_MILESTONES: readonly Milestone[] = [
  { percentage: 10, label: "Character and media loaded" },
  { percentage: 20, label: "Motion prompt generated" },
  { percentage: 30, label: "Image uploaded to the video provider" },
  { percentage: 40, label: "Video task submitted" },
  { percentage: 80, label: "Video ready" },
  { percentage: 85, label: "Video downloaded" },
  { percentage: 95, label: "Media entry created" },
  { percentage: 100, label: "Complete" },
];

/**
 * When (seconds after the job was first seen here) each milestone was first reached:
 * the milestones tick in as the job's progress arrives, not all at once at the end.
 */
export function useMilestoneTimes(
  key: string | null,
  milestones: readonly Milestone[],
  percentage: number,
): Record<number, number> {
  const [times, setTimes] = useState<Record<number, number>>({});
  const started = useRef(0);
  useEffect(() => {
    setTimes({});
    started.current = performance.now();
  }, [key]);
  useEffect(() => {
    if (key === null) return;
    setTimes((previous) => {
      const reached = milestones.filter((m) => percentage >= m.percentage && !(m.percentage in previous));
      if (reached.length === 0) return previous;
      const at = (performance.now() - started.current) / 1000;
      const next = { ...previous };
      for (const milestone of reached) next[milestone.percentage] = at;
      return next;
    });
  }, [key, milestones, percentage]);
  return times;
}

export interface MilestonesProps {
  milestones: readonly Milestone[];
  /** From {@link useMilestoneTimes}: a milestone with a time is reached. */
  times: Record<number, number>;
  testId: string;
}

/** A job's milestones, each ticked with the time its progress reached it. */
export function Milestones({ milestones, times, testId }: MilestonesProps): ReactElement {
  return (
    <ol className="milestones" data-testid={testId}>
      {milestones.map((milestone) => {
        const at = times[milestone.percentage];
        return (
          <li
            key={milestone.percentage}
            className={at === undefined ? undefined : "reached"}
            data-reached={at === undefined ? "false" : "true"}
          >
            <span className="pct">{milestone.percentage}%</span>
            <span className="label">{milestone.label}</span>
            {at === undefined ? null : <span className="at">{at.toFixed(2)} s</span>}
          </li>
        );
      })}
    </ol>
  );
}

/** The label of the last milestone `percentage` has reached (seed 001 sends numbers only). */
export function milestoneLabel(milestones: readonly Milestone[], percentage: number): string | null {
  const reached = milestones.filter((m) => percentage >= m.percentage);
  return reached[reached.length - 1]?.label ?? null;
}
