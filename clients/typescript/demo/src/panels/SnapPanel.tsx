import { useCallback, useState, type FormEvent, type ReactElement } from "react";
import { useGenqueueClient } from "../../../src/react/context.js";
import { useJob } from "../../../src/react/useJob.js";
import { JobStatus } from "../parts/JobStatus.js";
import { PhotoPicker } from "../parts/PhotoPicker.js";
import { useAction } from "../parts/useAction.js";

const STYLES = ["watercolor", "cartoon", "sketch", "pop_art", "vintage", "oil_painting", "pixel_art", "anime"];

/** Seed 004: upload a photo (base64) and see the styled picture arrive over Socket.IO. */
export function SnapPanel(): ReactElement {
  const client = useGenqueueClient();
  const [heroName, setHeroName] = useState("Ada");
  const [styleKey, setStyleKey] = useState("watercolor");
  const [photo, setPhoto] = useState<string | null>(null);
  const [photoProblem, setPhotoProblem] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useJob(jobId, { push: "socket" });

  const generate = useAction(
    useCallback(async () => {
      if (!photo) return;
      const queued = await client.snap2story.generateImage({ heroName, styleKey, originalImageBase64: photo, kind: "cover" });
      setJobId(queued.jobId);
    }, [client, heroName, styleKey, photo]),
  );

  function submit(event: FormEvent): void {
    event.preventDefault();
    void generate.run();
  }

  const imageUrl = job.status === "completed" ? (job.job?.result as { imageUrl?: string } | null)?.imageUrl : null;
  return (
    <section className="card" data-testid="snap-panel">
      <div className="card-head">
        <h2>Snap2story: style a photo</h2>
        <span className="seed">seed 004 · Socket.IO</span>
      </div>
      <form onSubmit={submit}>
        <div className="fields">
          <div className="field-wide">
            <label htmlFor="snap-photo">Photo (JPEG, PNG or WebP, at most 10 MB)</label>
            <PhotoPicker
              onPhoto={(dataUrl, problem) => {
                setPhoto(dataUrl);
                setPhotoProblem(problem);
              }}
            />
          </div>
          <div>
            <label htmlFor="snap-hero">Hero</label>
            <input id="snap-hero" value={heroName} maxLength={60} onChange={(e) => setHeroName(e.target.value)} />
          </div>
          <div>
            <label htmlFor="snap-style">Style</label>
            <select id="snap-style" data-testid="snap-style" value={styleKey} onChange={(e) => setStyleKey(e.target.value)}>
              {STYLES.map((s) => (
                <option key={s} value={s}>
                  {s.replace("_", " ")}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="row">
          <button className="btn btn-primary" type="submit" data-testid="snap-generate" disabled={!photo || !heroName.trim() || generate.busy}>
            Generate picture
          </button>
          <span className="muted small">POST /api/jobs/generate-image</span>
        </div>
      </form>
      {photoProblem ? <p className="error" role="alert">{photoProblem}</p> : null}
      {generate.error ? <p className="error" role="alert">{generate.error}</p> : null}
      {jobId ? (
        <JobStatus name="snap" jobId={jobId} status={job.status} progress={job.progress} failedReason={job.failedReason} error={job.error} onCancel={() => void job.cancel()} />
      ) : null}
      {photo || imageUrl ? (
        <div className="preview">
          {photo ? (
            <figure>
              <img src={photo} alt="The photo" data-testid="snap-original" />
              <figcaption>Your photo</figcaption>
            </figure>
          ) : null}
          {imageUrl ? (
            <figure>
              <img src={client.assetUrl(imageUrl)} alt={`Styled: ${styleKey}`} data-testid="snap-result" />
              <figcaption>{styleKey.replace("_", " ")}</figcaption>
            </figure>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
