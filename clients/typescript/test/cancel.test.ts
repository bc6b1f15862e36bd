/** Cancelling through every route that can, on a server without workers (GENQUEUE_WORKERS=0):
 * jobs wait, so each cancel meets a waiting job and ends it at once, refunded. A running
 * job's cancel is in jobs.test.ts. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConflictError,
  GenqueueClient,
  type JobFailedPayload,
  NotFoundError,
} from "../src/index.js";
import { pngDataUrl } from "./support/png.js";
import { type RunningServer, mintToken, startServer } from "./support/server.js";

let server: RunningServer;
let client: GenqueueClient;

beforeAll(async () => {
  server = await startServer({ env: { GENQUEUE_WORKERS: "0" } });
  client = new GenqueueClient({ baseUrl: server.baseUrl, token: mintToken(server.secret, "c") });
});
afterAll(async () => {
  await server?.stop();
});

const CHARACTER = { name: "Mira", description: "A young cartographer with a brass compass" };

describe("cancel (no workers: jobs wait)", () => {
  it("a generic job, then 409 for the cancelled one, and retry queues it again", async () => {
    const { jobId } = await client.submit({ type: "demo", data: { steps: 1 } });
    const cancelled = await client.cancel(jobId);
    expect(cancelled.status).toBe("cancelled");
    await expect(client.cancel(jobId)).rejects.toBeInstanceOf(ConflictError);
    const again = await client.retry(jobId);
    expect(again.status).toBe("pending");
    expect((await client.cancel(jobId)).status).toBe("cancelled");
  });

  it("a character job and a media job (seeds 000/001)", async () => {
    const character = await client.characters.createNow(CHARACTER);
    const queued = await client.characters.queue(CHARACTER, { idempotencyKey: "c-1" });
    const same = await client.characters.queue(CHARACTER, { idempotencyKey: "c-1" });
    expect(same.jobId).toBe(queued.jobId);
    expect((await client.characters.cancelJob(queued.jobId)).status).toBe("cancelled");
    const image = await client.characters.queueImage(character.id);
    expect((await client.characters.cancelMediaJob(image.jobId)).status).toBe("cancelled");
    await expect(client.characters.mediaJob(queued.jobId)).rejects.toBeInstanceOf(NotFoundError);
    const media = await client.characters.mediaJobs({ status: "cancelled" });
    expect(media.items.map((j) => j.jobId)).toEqual([image.jobId]);
  });

  it("a 360° set (seed 002)", async () => {
    const character = await client.characters.createNow(CHARACTER);
    const accepted = await client.library360.generate360Set(character.id);
    const status = await client.library360.cancel(accepted.jobId);
    expect(status.status).toBe("cancelled");
    expect((await client.getStatus(accepted.jobId)).status).toBe("cancelled");
  });

  it("a story, refunded (seed 003)", async () => {
    const before = (await client.credits()).balance;
    const queued = await client.stories.generate({ prompt: "A long night at sea" });
    expect((await client.credits()).balance).toBe(before - 1);
    expect((await client.stories.cancel(queued.jobId)).status).toBe("cancelled");
    expect((await client.credits()).balance).toBe(before);
  });

  it("an image (seed 004), seen over Socket.IO as job_failed with status cancelled", async () => {
    const socket = client.socket({ transports: ["websocket"] });
    try {
      await socket.ready();
      const queued = await client.snap2story.generateImage({
        heroName: "Bo",
        originalImageBase64: pngDataUrl(),
      });
      const failed = new Promise<JobFailedPayload>((resolve) => {
        socket.subscribeToJob(queued.jobId, {
          onProgress: () => void client.snap2story.cancel(queued.jobId),
          onFailed: resolve,
        });
      });
      const final = await failed;
      expect(final.status).toBe("cancelled");
      expect(final.error).toBe("Job was cancelled");
      expect((await client.snap2story.status(queued.jobId)).status).toBe("cancelled");
    } finally {
      socket.close();
    }
  });

  it("an admin pauses, resumes, empties, cleans and retries a queue, and promotes a job", async () => {
    const admin = new GenqueueClient({
      baseUrl: server.baseUrl,
      token: mintToken(server.secret, "boss", { admin: true }),
    });
    const name = "default";
    await expect(admin.queues.pause(name)).resolves.toEqual({ name, paused: true });
    expect((await admin.queues.list()).find((q) => q.name === name)?.paused).toBe(true);
    await expect(admin.queues.resume(name)).resolves.toEqual({ name, paused: false });
    await client.submit({ type: "demo", data: { steps: 1 } });
    const emptied = await admin.queues.empty(name);
    expect(emptied.cancelled).toBeGreaterThanOrEqual(1);
    const retried = await admin.queues.retryFailed(name);
    expect(retried).toEqual({ queue: name, retried: 0 });
    const cleaned = await admin.queues.clean(name, { status: "cancelled", olderThanSeconds: 0 });
    expect(cleaned.removed).toBeGreaterThanOrEqual(1);
    await expect(admin.queues.pause("no-such-queue")).rejects.toBeInstanceOf(NotFoundError);
    const delayed = await client.submit({ type: "demo", data: { steps: 1 }, delaySeconds: 600 });
    expect(delayed.status).toBe("delayed");
    expect((await admin.admin.promote(delayed.jobId)).status).toBe("pending");
  });
});
