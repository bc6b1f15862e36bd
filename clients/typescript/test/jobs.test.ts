import { describe, expect, it } from "vitest";
import { type JobStreamEvent, UnauthorizedError } from "../src/index.js";
import { adminClient, baseUrl, clientFor } from "./support/context.js";

describe("the generic job API", () => {
  it("submits, reads, lists and filters jobs", async () => {
    const client = clientFor();
    const first = await client.submit({
      type: "demo",
      data: { steps: 1 },
      tags: { characterId: "c-7", batch: "b1" },
      priority: 5,
    });
    expect(first).toMatchObject({ status: "pending", created: true });
    expect(first.statusUrl).toBe(`/api/v1/jobs/${first.jobId}`);
    const second = await client.submit({ type: "demo", data: { steps: 1 }, tags: { batch: "b2" } });
    await client.streamJob(first.jobId);
    await client.streamJob(second.jobId);

    const job = await client.getJob(first.jobId);
    expect(job).toMatchObject({ jobId: first.jobId, type: "demo", status: "completed" });
    expect(job.tags).toEqual({ characterId: "c-7", batch: "b1" });
    expect(job.priority).toBe(5);
    expect(job.progress.percentage).toBe(100);
    expect(job.result).toEqual({ steps: 1, attempt: 1 });

    const all = await client.listJobs();
    expect(all.items.map((j) => j.jobId).sort()).toEqual([first.jobId, second.jobId].sort());
    expect(all.pagination).toMatchObject({ total: 2, page: 1, hasMore: false });
    const page = await client.listJobs({ limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.pagination.hasMore).toBe(true);
    expect((await client.listJobs({ characterId: "c-7" })).items.map((j) => j.jobId)).toEqual([
      first.jobId,
    ]);
    expect((await client.listJobs({ tags: { batch: "b2" } })).items.map((j) => j.jobId)).toEqual([
      second.jobId,
    ]);
    expect((await client.listJobs({ status: "pending,processing" })).items).toEqual([]);

    const status = await client.getStatus(first.jobId);
    expect(status).toMatchObject({ success: true, jobId: first.jobId, status: "completed" });
  });

  it("gives the first job again for the same Idempotency-Key", async () => {
    const client = clientFor();
    const job = { type: "demo", data: { steps: 1 } };
    const first = await client.submit(job, { idempotencyKey: "key-1" });
    const again = await client.submit(job, { idempotencyKey: "key-1" });
    expect(again).toMatchObject({ jobId: first.jobId, created: false });
  });

  it("cancels a running job: its stream ends with cancelled", async () => {
    const client = clientFor();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 100, stepSeconds: 0.05 } });
    let asked = false;
    const events: JobStreamEvent[] = [];
    const end = await client.streamJob(jobId, {
      onEvent: (event) => {
        events.push(event);
        if (!asked && event.event === "progress") {
          asked = true;
          void client.cancel(jobId).then((view) => expect(view.cancelRequested).toBe(true));
        }
      },
    });
    expect(end.final.event).toBe("cancelled");
    expect((await client.getJob(jobId)).status).toBe("cancelled");
  });

  it("reads the caller's credits; an admin grants more", async () => {
    const sub = `rich-${crypto.randomUUID()}`;
    const client = clientFor(sub);
    const { userId, balance } = await client.credits();
    expect(userId).toBe(sub);
    const granted = await adminClient().admin.grantCredits(sub, { amount: 5 });
    expect(granted).toEqual({ userId: sub, balance: balance + 5 });
  });

  it("answers health and readiness", async () => {
    const client = clientFor();
    expect(await client.health()).toEqual({ status: "ok" });
    expect((await client.ready()).status).toBe("ready");
    expect(client.assetUrl("a/b.png")).toBe(`${baseUrl()}/assets/a/b.png`);
    expect(client.assetUrl("/assets/a/b.png")).toBe(`${baseUrl()}/assets/a/b.png`);
  });
});

describe("the admin API", () => {
  it("lists queues, workers, stats, and searches and inspects jobs", async () => {
    const admin = adminClient();
    const owner = `owned-${crypto.randomUUID()}`;
    const { jobId } = await clientFor(owner).submit({ type: "demo", data: { steps: 1 } });
    await admin.streamJob(jobId);
    const queues = await admin.queues.list();
    expect(queues.map((q) => q.name)).toContain("default");
    const workers = await admin.admin.workers();
    expect(workers.some((w) => w.alive)).toBe(true);
    const stats = await admin.admin.stats({ minutes: 5 });
    expect(stats.queues.length).toBeGreaterThan(0);
    const found = await admin.admin.jobs({ owner });
    expect(found.jobs.map((j) => j.jobId)).toEqual([jobId]);
    expect(found.total).toBe(1);
    const detail = await admin.admin.job(jobId);
    expect(detail).toMatchObject({ jobId, owner, attempts: 1, stacktrace: [] });
    const listed = await admin.listJobs({ owner });
    expect(listed.items.map((j) => j.jobId)).toEqual([jobId]);
    expect(await admin.admin.deleteJob(jobId)).toEqual({ id: jobId, deleted: true });
  });

  it("is closed to a user token", async () => {
    await expect(
      new (await import("../src/index.js")).GenqueueClient({ baseUrl: baseUrl() }).admin.stats(),
    ).rejects.toBeInstanceOf(UnauthorizedError);
  });
});
