import { useEffect, useRef, useState, type ReactElement } from "react";
import type { CharacterDetail, PoseView } from "../../../src/index.js";
import {
  toProgress,
  useGenqueueClient,
  useMediaGeneration,
  type UseMediaGenerationResult,
} from "../../../src/react/index.js";
import { JobStatus } from "../parts/JobStatus.js";
import { useSubmitted } from "../parts/submitted.js";
import {
  IMAGE_MILESTONES,
  Milestones,
  VIDEO_MILESTONES,
  milestoneLabel,
  useMilestoneTimes,
  type Milestone,
} from "../parts/Milestones.js";

const POLL_MS = 250;
type Resolution = "480p" | "720p" | "1080p";

interface MediaJobProps {
  name: "image" | "video";
  generation: UseMediaGenerationResult;
  milestones: readonly Milestone[];
}

/** One media job of `useMediaGeneration`: its status, milestones and cancel. */
function MediaJob({ name, generation, milestones }: MediaJobProps): ReactElement | null {
  const jobId = generation.job?.jobId ?? null;
  const times = useMilestoneTimes(jobId, milestones, generation.progress);
  if (jobId === null) {
    return generation.error ? (
      <p className="error" role="alert">
        {generation.error}
      </p>
    ) : null;
  }
  return (
    <>
      <JobStatus
        name={name}
        jobId={jobId}
        status={generation.status}
        progress={toProgress(generation.progress, milestoneLabel(milestones, generation.progress))}
        failedReason={generation.status === "completed" ? null : generation.error}
        error={null}
        onCancel={() => void generation.cancel()}
      />
      <Milestones milestones={milestones} times={times} testId={`${name}-milestones`} />
    </>
  );
}

export interface MediaPanelProps {
  character: CharacterDetail | null;
  /** Reloads the character (its media list grows with each image and video). */
  onChanged: () => void;
}

/** Seed 001 with `useMediaGeneration`: an image of the character in a pose, then a video
 * animated from that image (or from the character's master reference). */
export function MediaPanel({ character, onChanged }: MediaPanelProps): ReactElement {
  const client = useGenqueueClient();
  const announce = useSubmitted();
  const image = useMediaGeneration(undefined, { interval: POLL_MS });
  const video = useMediaGeneration(undefined, { interval: POLL_MS });
  const [poses, setPoses] = useState<PoseView[]>([]);
  const [poseId, setPoseId] = useState("");
  const [duration, setDuration] = useState<5 | 8>(5);
  const [resolution, setResolution] = useState<Resolution>("480p");

  useEffect(() => {
    client.characters.poses().then(setPoses, () => setPoses([]));
  }, [client]);
  const imageDone = image.status === "completed";
  const videoDone = video.status === "completed";
  const finished = [imageDone ? image.job?.jobId : null, videoDone ? video.job?.jobId : null].join(",");
  const notified = useRef(",");
  const changed = useRef(onChanged);
  changed.current = onChanged;
  useEffect(() => {
    // Once per finished job: the character's media list has one more entry.
    if (finished === notified.current) return;
    notified.current = finished;
    changed.current();
  }, [finished]);

  const imageMediaId = imageDone ? (image.job?.result?.mediaId ?? null) : null;
  const sourceMediaId = imageMediaId ?? character?.masterReferenceId ?? null;

  return (
    <section className="card" data-testid="media-panel">
      <div className="card-head">
        <h2>Image and video{character ? ` of ${character.name}` : ""}</h2>
        <span className="seed">seed 001</span>
      </div>
      {character === null ? <p className="muted">Create a character first.</p> : null}
      <div className="fields">
        <div>
          <label htmlFor="image-pose">Pose</label>
          <select id="image-pose" value={poseId} onChange={(e) => setPoseId(e.target.value)}>
            <option value="">any</option>
            {poses.map((pose) => (
              <option key={pose.id} value={pose.id}>
                {pose.name}
              </option>
            ))}
          </select>
        </div>
        <div className="row">
          <button
            className="btn btn-primary"
            type="button"
            data-testid="image-generate"
            disabled={!character || image.isGenerating}
            onClick={() => {
              if (character)
                void image
                  .generateImage(character.id, poseId ? { poseId } : {})
                  .then((jobId) => jobId && announce());
            }}
          >
            Generate image
          </button>
        </div>
      </div>
      <MediaJob name="image" generation={image} milestones={IMAGE_MILESTONES} />
      <div className="fields">
        <div>
          <label htmlFor="video-duration">Duration</label>
          <select
            id="video-duration"
            value={duration}
            onChange={(e) => setDuration(e.target.value === "8" ? 8 : 5)}
          >
            <option value="5">5 s</option>
            <option value="8">8 s</option>
          </select>
        </div>
        <div>
          <label htmlFor="video-resolution">Resolution</label>
          <select
            id="video-resolution"
            value={resolution}
            onChange={(e) => setResolution(e.target.value as Resolution)}
          >
            <option>480p</option>
            <option>720p</option>
            <option>1080p</option>
          </select>
        </div>
        <div className="row">
          <button
            className="btn btn-primary"
            type="button"
            data-testid="video-generate"
            disabled={!character || !sourceMediaId || video.isGenerating}
            onClick={() => {
              if (character && sourceMediaId) {
                void video
                  .generateVideo(character.id, sourceMediaId, { duration, resolution })
                  .then((jobId) => jobId && announce());
              }
            }}
          >
            Generate video
          </button>
        </div>
      </div>
      <p className="muted small">
        The video animates {imageMediaId ? "the image above" : "the character's master reference"}.
      </p>
      <MediaJob name="video" generation={video} milestones={VIDEO_MILESTONES} />
      <div className="media">
        {imageDone && image.mediaUrl ? (
          <img data-testid="image-result" src={image.mediaUrl} alt="Generated" />
        ) : null}
        {videoDone && video.mediaUrl ? (
          <video data-testid="video-result" src={video.mediaUrl} controls autoPlay loop muted playsInline />
        ) : null}
      </div>
    </section>
  );
}
