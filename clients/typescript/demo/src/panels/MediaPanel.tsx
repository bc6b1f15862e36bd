import { useCallback, useEffect, useState, type ReactElement } from "react";
import type { CharacterDetail, PoseView } from "../../../src/index.js";
import { useGenqueueClient } from "../../../src/react/context.js";
import { useJob } from "../../../src/react/useJob.js";
import { JobStatus } from "../parts/JobStatus.js";
import { IMAGE_MILESTONES, Milestones, VIDEO_MILESTONES, useMilestoneTimes } from "../parts/Milestones.js";
import { useAction } from "../parts/useAction.js";

interface MediaResult {
  mediaId?: string;
  url?: string;
}

export interface MediaPanelProps {
  character: CharacterDetail | null;
  /** Reloads the character (its media list grows with each image and video). */
  onChanged: () => void;
}

/** Seed 001: an image of the character in a pose, then a video animated from it. */
export function MediaPanel({ character, onChanged }: MediaPanelProps): ReactElement {
  const client = useGenqueueClient();
  const [poses, setPoses] = useState<PoseView[]>([]);
  const [poseId, setPoseId] = useState("");
  const [duration, setDuration] = useState<5 | 8>(5);
  const [resolution, setResolution] = useState<"480p" | "720p" | "1080p">("480p");
  const [imageJobId, setImageJobId] = useState<string | null>(null);
  const [videoJobId, setVideoJobId] = useState<string | null>(null);
  const [image, setImage] = useState<MediaResult | null>(null);
  const [video, setVideo] = useState<MediaResult | null>(null);

  useEffect(() => {
    client.characters.poses().then(setPoses, () => setPoses([]));
  }, [client]);
  useEffect(() => {
    setImageJobId(null);
    setVideoJobId(null);
    setImage(null);
    setVideo(null);
  }, [character?.id]);

  const imageJob = useJob(imageJobId, {
    onCompleted: (done) => {
      setImage(done.result as MediaResult);
      onChanged();
    },
  });
  const videoJob = useJob(videoJobId, {
    onCompleted: (done) => {
      setVideo(done.result as MediaResult);
      onChanged();
    },
  });
  const imageTimes = useMilestoneTimes(imageJobId, IMAGE_MILESTONES, imageJob.progress.percentage);
  const videoTimes = useMilestoneTimes(videoJobId, VIDEO_MILESTONES, videoJob.progress.percentage);

  const sourceMediaId = image?.mediaId ?? character?.masterReferenceId ?? null;
  const generateImage = useAction(
    useCallback(async () => {
      if (!character) return;
      setImage(null);
      const queued = await client.characters.queueImage(character.id, poseId ? { poseId } : {});
      setImageJobId(queued.jobId);
    }, [client, character, poseId]),
  );
  const generateVideo = useAction(
    useCallback(async () => {
      if (!character || !sourceMediaId) return;
      setVideo(null);
      const queued = await client.characters.queueVideo(character.id, sourceMediaId, { duration, resolution });
      setVideoJobId(queued.jobId);
    }, [client, character, sourceMediaId, duration, resolution]),
  );

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
          <button className="btn btn-primary" type="button" data-testid="image-generate" disabled={!character || generateImage.busy} onClick={() => void generateImage.run()}>
            Generate image
          </button>
        </div>
      </div>
      {generateImage.error ? <p className="error" role="alert">{generateImage.error}</p> : null}
      {imageJobId ? (
        <>
          <JobStatus name="image" jobId={imageJobId} status={imageJob.status} progress={imageJob.progress} failedReason={imageJob.failedReason} error={imageJob.error} onCancel={() => void imageJob.cancel()} />
          <Milestones milestones={IMAGE_MILESTONES} times={imageTimes} testId="image-milestones" />
        </>
      ) : null}
      <div className="fields">
        <div>
          <label htmlFor="video-duration">Duration</label>
          <select id="video-duration" value={duration} onChange={(e) => setDuration(e.target.value === "8" ? 8 : 5)}>
            <option value="5">5 s</option>
            <option value="8">8 s</option>
          </select>
        </div>
        <div>
          <label htmlFor="video-resolution">Resolution</label>
          <select id="video-resolution" value={resolution} onChange={(e) => setResolution(e.target.value as "480p" | "720p" | "1080p")}>
            <option>480p</option>
            <option>720p</option>
            <option>1080p</option>
          </select>
        </div>
        <div className="row">
          <button className="btn btn-primary" type="button" data-testid="video-generate" disabled={!character || !sourceMediaId || generateVideo.busy} onClick={() => void generateVideo.run()}>
            Generate video
          </button>
        </div>
      </div>
      <p className="muted small">
        The video animates {image?.mediaId ? "the image above" : "the character's master reference"}.
      </p>
      {generateVideo.error ? <p className="error" role="alert">{generateVideo.error}</p> : null}
      {videoJobId ? (
        <>
          <JobStatus name="video" jobId={videoJobId} status={videoJob.status} progress={videoJob.progress} failedReason={videoJob.failedReason} error={videoJob.error} onCancel={() => void videoJob.cancel()} />
          <Milestones milestones={VIDEO_MILESTONES} times={videoTimes} testId="video-milestones" />
        </>
      ) : null}
      <div className="media">
        {image?.url ? <img data-testid="image-result" src={client.assetUrl(image.url)} alt="Generated" /> : null}
        {video?.url ? <video data-testid="video-result" src={client.assetUrl(video.url)} controls autoPlay loop muted playsInline /> : null}
      </div>
    </section>
  );
}
