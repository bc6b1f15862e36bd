import { useCallback, useState, type ReactElement } from "react";
import type { CharacterDetail } from "../../../src/index.js";
import { useGenqueueClient, useJob } from "../../../src/react/index.js";
import { LiveJob } from "../parts/LiveJob.js";
import { NumberField } from "../parts/NumberField.js";
import { useSubmitted } from "../parts/submitted.js";
import { ShotGrid, shotsOf } from "../parts/ShotGrid.js";
import { useAction } from "../parts/useAction.js";

const MAX_SHOTS = 27;

interface SetResults {
  generatedImages?: unknown[];
  failedImages?: unknown[];
  processingTime?: number;
}

/** Seed 002: a 360° set of the character, its shots filling in as each one finishes. */
export function SetPanel({ character }: { character: CharacterDetail | null }): ReactElement {
  const client = useGenqueueClient();
  const announce = useSubmitted();
  const [imageCount, setImageCount] = useState(MAX_SHOTS);
  const [qualityThreshold, setQualityThreshold] = useState(80);
  const [jobId, setJobId] = useState<string | null>(null);
  const [total, setTotal] = useState(MAX_SHOTS);
  const job = useJob(jobId);

  const start = useAction(
    useCallback(async () => {
      if (!character) return;
      const accepted = await client.library360.generate360Set(character.id, { imageCount, qualityThreshold });
      setTotal(imageCount);
      setJobId(accepted.jobId);
      announce();
    }, [client, character, imageCount, qualityThreshold, announce]),
  );

  const shots = shotsOf(job.job?.partialResults);
  const results = (job.status === "completed" ? job.job?.result : null) as SetResults | null;
  return (
    <section className="card" data-testid="set-panel">
      <div className="card-head">
        <h2>360° set{character ? ` of ${character.name}` : ""}</h2>
        <span className="seed">seed 002</span>
      </div>
      {character === null ? <p className="muted">Create a character first.</p> : null}
      <div className="fields">
        <NumberField
          id="set-count"
          label="Shots"
          value={imageCount}
          min={1}
          max={MAX_SHOTS}
          onChange={setImageCount}
        />
        <NumberField
          id="set-quality"
          label="Quality threshold"
          value={qualityThreshold}
          min={0}
          max={100}
          onChange={setQualityThreshold}
        />
        <div className="row">
          <button
            className="btn btn-primary"
            type="button"
            data-testid="set-start"
            disabled={!character || start.busy}
            onClick={() => void start.run()}
          >
            Start 360° set
          </button>
        </div>
      </div>
      {start.error ? (
        <p className="error" role="alert">
          {start.error}
        </p>
      ) : null}
      {jobId ? (
        <>
          <LiveJob name="set" jobId={jobId} state={job} title="360° set">
            {results ? (
              <p className="muted small" data-testid="set-summary">
                {results.generatedImages?.length ?? 0} generated, {results.failedImages?.length ?? 0} under
                the threshold
                {results.processingTime ? ` · ${(results.processingTime / 1000).toFixed(1)} s` : ""}
              </p>
            ) : null}
          </LiveJob>
          <ShotGrid
            shots={shots}
            total={job.progress.total ?? total}
            assetUrl={(path) => client.assetUrl(path)}
          />
        </>
      ) : null}
    </section>
  );
}
