import type { ReactElement } from "react";

/** One shot of a 360° set as the job's partial results (and final results) name it. */
export interface Shot {
  status?: string;
  angle?: string;
  url?: string | null;
  quality?: number | null;
  reason?: string | null;
  error?: string | null;
}

function asShot(value: unknown): Shot | null {
  return value !== null && typeof value === "object" ? (value as Shot) : null;
}

/** The shots a 360° job has finished so far, read from its partial results. */
export function shotsOf(partialResults: readonly unknown[] | null | undefined): Shot[] {
  return (partialResults ?? []).map(asShot).filter((shot): shot is Shot => shot !== null);
}

export interface ShotGridProps {
  shots: readonly Shot[];
  /** How many shots the set has; the slots not yet finished show as empty. */
  total: number;
  assetUrl: (path: string) => string;
}

/** The set's slots, filling in with each shot as it finishes. */
export function ShotGrid({ shots, total, assetUrl }: ShotGridProps): ReactElement {
  const slots = Array.from({ length: Math.max(total, shots.length) }, (_, index) => shots[index] ?? null);
  return (
    <div className="shots" data-testid="shots" data-filled={shots.length} data-total={total}>
      {slots.map((shot, index) => {
        if (shot === null) {
          return (
            <div key={index} className="shot" data-testid="shot-empty">
              {index + 1}
            </div>
          );
        }
        const failed = shot.status === "failed" || !shot.url;
        return (
          <figure
            key={index}
            className={failed ? "shot failed" : "shot generated"}
            data-testid={failed ? "shot-failed" : "shot-generated"}
            title={
              failed
                ? `${shot.angle ?? "shot"}: ${shot.reason ?? shot.error ?? "failed"}`
                : `${shot.angle ?? ""} · quality ${shot.quality ?? "?"}`
            }
          >
            {failed || !shot.url ? (
              <span>failed</span>
            ) : (
              <img src={assetUrl(shot.url)} alt={shot.angle ?? `shot ${index + 1}`} />
            )}
            <figcaption className="angle">{shot.angle ?? `shot ${index + 1}`}</figcaption>
          </figure>
        );
      })}
    </div>
  );
}
