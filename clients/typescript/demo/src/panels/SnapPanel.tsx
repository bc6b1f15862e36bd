import { useState, type FormEvent, type ReactElement } from "react";
import { toProgress, useGenqueueClient, useImageGeneration } from "../../../src/react/index.js";
import { JobStatus } from "../parts/JobStatus.js";
import { useSubmitted } from "../parts/submitted.js";
import { PhotoPicker } from "../parts/PhotoPicker.js";

const STYLES = [
  "watercolor",
  "cartoon",
  "sketch",
  "pop_art",
  "vintage",
  "oil_painting",
  "pixel_art",
  "anime",
];

/** Events of the job as `useImageGeneration`'s callbacks saw them, newest last. */
interface Seen {
  kind: "progress" | "completed" | "failed";
  text: string;
}

/** Seed 004 with `useImageGeneration`: upload a photo (base64) and see the styled picture
 * arrive over Socket.IO (`job_progress`, `job_completed`, `job_failed`). */
export function SnapPanel(): ReactElement {
  const client = useGenqueueClient();
  const announce = useSubmitted();
  const [heroName, setHeroName] = useState("Ada");
  const [styleKey, setStyleKey] = useState("watercolor");
  const [photo, setPhoto] = useState<string | null>(null);
  const [photoProblem, setPhotoProblem] = useState<string | null>(null);
  const [seen, setSeen] = useState<Seen[]>([]);
  const [imageUrl, setImageUrl] = useState<string | null>(null);
  const note = (entry: Seen): void => setSeen((previous) => [...previous, entry]);
  const generation = useImageGeneration({
    onProgress: (progress) =>
      note({ kind: "progress", text: `${Math.round(progress.progress)}% ${progress.message}` }),
    onCompleted: (result) => {
      setImageUrl(result.imageUrl);
      note({ kind: "completed", text: "job_completed" });
    },
    onFailed: (failure) => note({ kind: "failed", text: `${failure.status}: ${failure.error}` }),
  });
  const job = generation.currentJob;

  function submit(event: FormEvent): void {
    event.preventDefault();
    if (!photo) return;
    setSeen([]);
    setImageUrl(null);
    // Resolves with null when refused: the message is in `generation.error`.
    void generation
      .generateImage({ heroName, styleKey, originalImageBase64: photo, kind: "cover" })
      .then((jobId) => jobId && announce());
  }

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
            <input
              id="snap-hero"
              value={heroName}
              maxLength={60}
              onChange={(e) => setHeroName(e.target.value)}
            />
          </div>
          <div>
            <label htmlFor="snap-style">Style</label>
            <select
              id="snap-style"
              data-testid="snap-style"
              value={styleKey}
              onChange={(e) => setStyleKey(e.target.value)}
            >
              {STYLES.map((s) => (
                <option key={s} value={s}>
                  {s.replace("_", " ")}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="row">
          <button
            className="btn btn-primary"
            type="submit"
            data-testid="snap-generate"
            disabled={!photo || !heroName.trim() || generation.isGenerating}
          >
            Generate picture
          </button>
          <span className="muted small">POST /api/jobs/generate-image</span>
        </div>
      </form>
      {photoProblem ? (
        <p className="error" role="alert">
          {photoProblem}
        </p>
      ) : null}
      {job === null && generation.error ? (
        <p className="error" role="alert">
          {generation.error}
        </p>
      ) : null}
      {job !== null ? (
        <JobStatus
          name="snap"
          jobId={job.jobId}
          status={job.status}
          progress={toProgress(job.progress, job.message)}
          failedReason={job.status === "failed" ? job.error : null}
          error={null}
          onCancel={() => void generation.cancel()}
        />
      ) : null}
      {seen.length > 0 ? (
        <p className="notice mono" data-testid="snap-events" data-transport={generation.transport ?? ""}>
          {generation.transport === "push" ? "Socket.IO" : "polling"}:{" "}
          {seen.map((entry) => entry.text).join(" → ")}
        </p>
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
