import { describe, expect, it } from "vitest";
import {
  type JobCompletedPayload,
  type JobStreamEvent,
} from "../src/index.js";
import { clientFor } from "./support/context.js";
import { pngDataUrl } from "./support/png.js";

const CHARACTER = {
  name: "Mira",
  description: "A young cartographer with a brass compass and a green scarf",
  personality: "curious and brave",
};

describe("seeds 000/001: characters, images and videos", () => {
  it("queues a character, then an image of it, then a video of the image", async () => {
    const client = clientFor();
    const poses = await client.characters.poses();
    expect(poses.length).toBeGreaterThan(0);

    const queued = await client.characters.queue(CHARACTER);
    expect(queued.statusUrl).toContain(queued.jobId);
    expect((await client.streamJob(queued.jobId)).final.event).toBe("completed");
    const characterJob = await client.characters.job(queued.jobId);
    expect(characterJob.status).toBe("completed");
    const characterId = characterJob.result?.characterId;
    expect(characterId).toBeTruthy();
    if (!characterId) return;
    const jobs = await client.characters.jobs({ status: "completed" });
    expect(jobs.items.map((j) => j.jobId)).toContain(queued.jobId);
    expect(jobs.pagination.total).toBeGreaterThanOrEqual(1);

    const image = await client.characters.queueImage(characterId, { poseId: poses[0]?.id ?? null });
    await client.streamJob(image.jobId);
    const imageJob = await client.characters.mediaJob(image.jobId);
    expect(imageJob.status).toBe("completed");
    expect(imageJob.type).toBe("image");
    const mediaId = imageJob.result?.mediaId;
    expect(mediaId).toBeTruthy();
    if (!mediaId) return;
    const asset = await fetch(client.assetUrl(imageJob.result?.url ?? ""));
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/^image\//);

    const video = await client.characters.queueVideo(characterId, mediaId, { duration: 5 });
    await client.streamJob(video.jobId);
    const videoJob = await client.characters.mediaJob(video.jobId);
    expect(videoJob.status).toBe("completed");
    expect(videoJob.type).toBe("video");

    const detail = await client.characters.get(characterId);
    expect(detail.name).toBe("Mira");
    expect(detail.media.filter((m) => m.type === "video").map((m) => m.jobId)).toEqual([
      video.jobId,
    ]);
    expect(detail.media.filter((m) => m.type === "image").map((m) => m.jobId)).toContain(
      image.jobId,
    );
    const listed = await client.characters.list({ limit: 10 });
    expect(listed.items.map((c) => c.id)).toContain(characterId);
    const media = await client.characters.mediaJobs({ type: "video" });
    expect(media.items.map((j) => j.jobId)).toEqual([video.jobId]);
  });

  it("creates a character synchronously", async () => {
    const client = clientFor();
    const character = await client.characters.createNow(CHARACTER);
    expect(character.name).toBe("Mira");
    expect((await client.characters.get(character.id)).id).toBe(character.id);
  });
});

describe("seed 002: 360° sets", () => {
  it("fills in the shots as partial results, then completes", async () => {
    const client = clientFor();
    const character = await client.characters.createNow(CHARACTER);
    const accepted = await client.library360.generate360Set(character.id, { imageCount: 4 });
    expect(accepted.success).toBe(true);
    expect(accepted.pollUrl).toContain(accepted.jobId);
    const partials: JobStreamEvent[] = [];
    const end = await client.streamJob(accepted.jobId, {
      onEvent: (e) => e.event === "partial" && partials.push(e),
    });
    expect(end.final.event).toBe("completed");
    const status = await client.library360.status(accepted.jobId);
    expect(status.status).toBe("completed");
    expect(status.jobType).toBeTruthy();
    expect(partials.length).toBe(status.partialResults.length);
    expect(partials.length).toBeGreaterThanOrEqual(1);
  });

  it("answers the core set synchronously when it finishes in time", async () => {
    const client = clientFor();
    const character = await client.characters.createNow(CHARACTER);
    const answer = await client.library360.generateCoreSet(character.id, {}, { waitSeconds: 60 });
    expect(answer.status).toBe("completed");
  });
});

describe("seed 003: stories", () => {
  it("queues a story, follows its job and reads the story", async () => {
    const client = clientFor();
    const before = (await client.credits()).balance;
    const queued = await client.stories.generate({
      prompt: "A fox who learns to sail",
      heroName: "Fen",
      length: "short",
    });
    expect(queued.status).toBe("queued");
    expect(queued.estimatedWaitTime.position).toBeGreaterThanOrEqual(1);
    expect((await client.credits()).balance).toBe(before - 1);
    await client.streamJob(queued.jobId);
    const job = await client.stories.job(queued.jobId);
    expect(job.status).toBe("completed");
    expect(job.storyId).toBeTruthy();
    const story = await client.stories.story(job.storyId ?? "");
    expect(story.heroName).toBe("Fen");
    expect(story.text.length).toBeGreaterThan(0);
    expect(story.jobId).toBe(queued.jobId);
  });
});

describe("seed 004: snap2story", () => {
  it("styles an uploaded photo, followed over Socket.IO to result.imageUrl", async () => {
    const client = clientFor();
    const socket = client.socket({ transports: ["websocket"] });
    try {
      await socket.ready();
      const queued = await client.snap2story.generateImage({
        heroName: "Ada",
        originalImageBase64: pngDataUrl(),
      });
      expect(queued.status).toBe("queued");
      expect(queued.websocketSubscription).toBe(`job:${queued.jobId}`);
      const progress: number[] = [];
      const completed = await new Promise<JobCompletedPayload>((resolve, reject) => {
        socket.subscribeToJob(queued.jobId, {
          onProgress: (p) => progress.push(p.progress),
          onCompleted: resolve,
          onFailed: (f) => reject(new Error(f.error)),
        });
      });
      expect(completed.imageUrl).toMatch(/^\/assets\//);
      const image = await fetch(client.assetUrl(completed.imageUrl ?? ""));
      expect(image.status).toBe(200);
      const status = await client.snap2story.status(queued.jobId);
      expect(status.status).toBe("completed");
      expect(status.result?.imageUrl).toBe(completed.imageUrl);
      expect(status.result?.heroName).toBe("Ada");
      const stats = await client.snap2story.stats();
      expect(stats.completed).toBeGreaterThanOrEqual(1);
      const health = await client.snap2story.health();
      expect(health.store.reachable).toBe(true);
    } finally {
      socket.close();
    }
  });
});
