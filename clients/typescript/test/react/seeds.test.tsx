// @vitest-environment jsdom
import { act, cleanup, renderHook, waitFor } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GenqueueClient, ValidationError } from "../../src/index.js";
import type { JobStatus } from "../../src/index.js";
import {
  type ImageCompleted,
  type ImageFailed,
  type ImageProgress,
  useCharacterCreation,
  useImageGeneration,
  useJobPolling,
  useMediaGeneration,
} from "../../src/react/index.js";
import { type RunningServer, mintToken, startServer } from "../support/server.js";
import { baseUrl, tokenFor } from "../support/context.js";
import { clientWithoutSocket, photoDataUrl, providerOf, recordedClient } from "./support.js";

afterEach(cleanup);

describe("useJobPolling (seed 000)", () => {
  it("polls a generic job until it completes", async () => {
    const { client, log } = recordedClient();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 6, stepSeconds: 0.05 } });
    const completed: string[] = [];
    const { result } = renderHook(
      () => useJobPolling(jobId, { interval: 100, onCompleted: (job) => completed.push(job.status) }),
      { wrapper: providerOf(client) },
    );
    await waitFor(() => expect(result.current.status).toBe("completed"), { timeout: 10_000 });
    expect(result.current.isPolling).toBe(false);
    expect(result.current.progress.percentage).toBe(100);
    expect(completed).toEqual(["completed"]);
    expect(log.sent.every((r) => r === `GET /api/v1/jobs/${jobId}` || r === "POST /api/v1/jobs")).toBe(true);
  });

  it("polls a seed route of the caller's choice (seed 002's status shape)", async () => {
    const { client, log } = recordedClient();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 20, stepSeconds: 0.05 } });
    const tasks = new Set<string>();
    const { result } = renderHook(
      () => {
        const state = useJobPolling<JobStatus>(jobId, {
          interval: 100,
          fetchJob: (id, signal) => client.getStatus(id, { signal }),
        });
        if (state.progress.currentTask) tasks.add(state.progress.currentTask);
        return state;
      },
      { wrapper: providerOf(client) },
    );
    await waitFor(() => expect(result.current.status).toBe("completed"), { timeout: 10_000 });
    expect(result.current.job?.message).toBe("Job completed successfully.");
    expect([...tasks].some((t) => /^Step \d+ of 20$/.test(t))).toBe(true);
    expect(log.sent).toContain(`GET /api/v1/jobs/${jobId}/status`);
  });

  it("stops polling on stop()", async () => {
    const { client, log } = recordedClient();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 40, stepSeconds: 0.05 } });
    const { result } = renderHook(() => useJobPolling(jobId, { interval: 100 }), { wrapper: providerOf(client) });
    await waitFor(() => expect(result.current.status).toBe("active"), { timeout: 10_000 });
    act(() => result.current.stop());
    await waitFor(() => expect(result.current.isPolling).toBe(false));
    const sent = log.sent.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(log.sent.length).toBe(sent);
    expect(result.current.job?.status).toBe("active");
    await client.cancel(jobId);
  });
});

describe("useJobPolling after unmount", () => {
  it("sends nothing more", async () => {
    const { client, log } = recordedClient();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 40, stepSeconds: 0.05 } });
    const { result, unmount } = renderHook(() => useJobPolling(jobId, { interval: 50, maxInterval: 50 }), {
      wrapper: providerOf(client),
    });
    await waitFor(() => expect(result.current.status).toBe("active"), { timeout: 10_000 });
    unmount();
    const sent = log.sent.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(log.sent.length).toBe(sent);
    await client.cancel(jobId);
  });
});

describe("useCharacterCreation and useMediaGeneration (seeds 000/001)", () => {
  it("creates a character, then an image and a video of it", async () => {
    const { client } = recordedClient();
    const milestones = new Set<number>();
    const { result } = renderHook(
      () => {
        const creation = useCharacterCreation(client, { interval: 100 });
        milestones.add(creation.progress);
        return { creation, media: useMediaGeneration(client, { interval: 100 }) };
      },
    );
    await act(async () => {
      await result.current.creation.createCharacter({ name: "Mira", description: "a young sailor" });
    });
    await waitFor(() => expect(result.current.creation.status).toBe("completed"), { timeout: 20_000 });
    const characterId = result.current.creation.characterId;
    expect(characterId).toEqual(expect.any(String));
    expect(result.current.creation.progress).toBe(100);
    expect(result.current.creation.isCreating).toBe(false);
    expect(result.current.creation.error).toBeNull();
    for (const seen of milestones) expect([0, 10, 30, 40, 60, 80, 100]).toContain(seen);

    await act(async () => {
      await result.current.media.generateImage(characterId ?? "", { poseId: "standing" });
    });
    await waitFor(() => expect(result.current.media.status).toBe("completed"), { timeout: 20_000 });
    const image = result.current.media.job;
    expect(image?.type).toBe("image");
    expect(image?.character?.name).toBe("Mira");
    const imageUrl = result.current.media.mediaUrl ?? "";
    const png = await fetch(imageUrl);
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toMatch(/^image\//);

    await act(async () => {
      await result.current.media.generateVideo(characterId ?? "", image?.result?.mediaId ?? "", {
        duration: 5,
        resolution: "480p",
      });
    });
    await waitFor(() => expect(result.current.media.job?.type).toBe("video"));
    await waitFor(() => expect(result.current.media.status).toBe("completed"), { timeout: 30_000 });
    const video = await fetch(result.current.media.mediaUrl ?? "");
    expect(video.status).toBe(200);
    expect(video.headers.get("content-type")).toBe("video/webm");
  }, 60_000);

  it("resolves a refused submit (422) with null and its message in error: nothing rejects", async () => {
    const { client } = recordedClient();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on("unhandledRejection", onUnhandled);
    try {
      const { result } = renderHook(() => ({
        creation: useCharacterCreation(client),
        media: useMediaGeneration(client),
      }));
      let created: string | null = "not yet";
      let image: string | null = "not yet";
      // seed 000's example: `await createCharacter(...)`, no try/catch
      await act(async () => {
        created = await result.current.creation.createCharacter({ name: "" });
        image = await result.current.media.generateImage("no-such-character");
      });
      expect(created).toBeNull();
      expect(image).toBeNull();
      const refused = await client.characters.queue({ name: "" }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ValidationError);
      expect(result.current.creation.error).toBe((refused as ValidationError).message);
      expect(result.current.creation.status).toBeNull();
      expect(result.current.creation.isCreating).toBe(false);
      expect(result.current.media.error).toEqual(expect.any(String));
      expect(result.current.media.isGenerating).toBe(false);
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});

describe("useImageGeneration (seed 004)", () => {
  it("generates an image over Socket.IO: onProgress, then onCompleted with result.imageUrl", async () => {
    const { client, log } = recordedClient();
    const progress: ImageProgress[] = [];
    const completed: ImageCompleted[] = [];
    const failed: ImageFailed[] = [];
    const { result } = renderHook(
      () =>
        useImageGeneration({
          onProgress: (p) => progress.push(p),
          onCompleted: (r) => completed.push(r),
          onFailed: (e) => failed.push(e),
        }),
      { wrapper: providerOf(client) },
    );
    await act(async () => {
      await result.current.generateImage({ heroName: "John", originalImageBase64: photoDataUrl(), kind: "cover" });
    });
    expect(result.current.isGenerating).toBe(true);
    await waitFor(() => expect(completed).toHaveLength(1), { timeout: 20_000 });
    expect(result.current.transport).toBe("push");
    expect(result.current.isGenerating).toBe(false);
    expect(result.current.currentJob?.status).toBe("completed");
    expect(result.current.error).toBeNull();
    expect(failed).toEqual([]);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.progress >= 0 && p.progress <= 100 && typeof p.message === "string")).toBe(true);
    const imageUrl = completed[0]?.imageUrl ?? "";
    expect(imageUrl).toMatch(/^\/assets\//);
    expect(completed[0]?.result?.imageUrl).toBe(imageUrl);
    const file = await fetch(client.assetUrl(imageUrl));
    expect(file.status).toBe(200);
    // Socket.IO only: no status polls
    expect(log.sent.filter((r) => r.includes("/status"))).toEqual([]);
  });
});

describe("useImageGeneration when the server refuses", () => {
  it("resolves generateImage with null, the message in error (seed 004's example has no try/catch)", async () => {
    const { client } = recordedClient();
    const { result } = renderHook(() => useImageGeneration({ client }));
    let jobId: string | null = "not yet";
    await act(async () => {
      jobId = await result.current.generateImage({ heroName: "", originalImageBase64: "not a photo" });
    });
    expect(jobId).toBeNull();
    expect(result.current.error).toEqual(expect.any(String));
    expect(result.current.isGenerating).toBe(false);
    expect(result.current.currentJob).toBeNull();
  });

  it("stops generating and shows why when following hits an error it cannot get past", async () => {
    // the token changes to another user's once the job is queued: its status is a 404 to
    // them (and the socket refuses the subscription), so following stops for good
    let submitted = false;
    const owner = tokenFor();
    const stranger = tokenFor();
    const wrapped: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).endsWith("/api/jobs/generate-image")) submitted = true;
      return response;
    };
    const client = new GenqueueClient({ baseUrl: baseUrl(), token: () => (submitted ? stranger : owner), fetch: wrapped });
    const { result } = renderHook(() => useImageGeneration({ client, poll: { initialMs: 100, maximumMs: 200 } }));
    await act(async () => {
      await result.current.generateImage({ heroName: "Jo", originalImageBase64: photoDataUrl() });
    });
    await waitFor(() => expect(result.current.isGenerating).toBe(false), { timeout: 15_000 });
    expect(result.current.currentJob?.status).toBe("queued");
    expect(result.current.error).toEqual(expect.any(String));
    expect(result.current.error).not.toBe("");
  }, 20_000);
});

describe("useImageGeneration without Socket.IO", () => {
  it("polls the status route instead, with the same callbacks", async () => {
    const { client, log } = clientWithoutSocket();
    const completed: ImageCompleted[] = [];
    const progress: ImageProgress[] = [];
    const { result } = renderHook(() =>
      useImageGeneration({
        client,
        poll: { initialMs: 100, maximumMs: 300 },
        onProgress: (p) => progress.push(p),
        onCompleted: (r) => completed.push(r),
      }),
    );
    let jobId: string | null = null;
    await act(async () => {
      jobId = await result.current.generateImage({ heroName: "Jo", originalImageBase64: photoDataUrl() });
    });
    expect(jobId).toEqual(expect.any(String));
    await waitFor(() => expect(completed).toHaveLength(1), { timeout: 20_000 });
    expect(result.current.transport).toBe("polling");
    expect(completed[0]?.imageUrl).toMatch(/^\/assets\//);
    expect(completed[0]?.result?.imageUrl).toBe(completed[0]?.imageUrl);
    expect(log.sent.filter((r) => r === `GET /api/jobs/${jobId}/status`).length).toBeGreaterThan(0);
  });

  it("sends nothing more once unmounted", async () => {
    const { client, log } = clientWithoutSocket();
    const { result, unmount } = renderHook(() =>
      useImageGeneration({ client, poll: { initialMs: 50, maximumMs: 50 } }),
    );
    await act(async () => {
      await result.current.generateImage({ heroName: "Jo", originalImageBase64: photoDataUrl() });
    });
    await waitFor(() => expect(result.current.transport).toBe("polling"), { timeout: 10_000 });
    unmount();
    const sent = log.sent.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(log.sent.length).toBe(sent);
  });
});

describe("a server whose generation provider is down", () => {
  let server: RunningServer;
  let client: GenqueueClient;
  beforeAll(async () => {
    server = await startServer({
      env: { GENQUEUE_PROVIDER: "openai", OPENAI_BASE_URL: "http://127.0.0.1:9/v1", GENQUEUE_WORKERS: "2" },
    });
    client = new GenqueueClient({ baseUrl: server.baseUrl, token: mintToken(server.secret, "down-user") });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("useImageGeneration: onFailed(error) with error.error once the retries are spent", async () => {
    const failed: ImageFailed[] = [];
    const { result } = renderHook(() => useImageGeneration({ client, onFailed: (e) => failed.push(e) }));
    await act(async () => {
      await result.current.generateImage({ heroName: "John", originalImageBase64: photoDataUrl() });
    });
    await waitFor(() => expect(failed).toHaveLength(1), { timeout: 30_000 });
    expect(failed[0]?.status).toBe("failed");
    expect(failed[0]?.error).toBe("OpenAI: network error on POST images/edits: All connection attempts failed");
    expect(result.current.error).toBe(failed[0]?.error);
    expect(result.current.isGenerating).toBe(false);
  }, 40_000);

  it("useCharacterCreation: the failure reason, and a cancel while it waits to retry", async () => {
    const { result } = renderHook(() => ({
      failing: useCharacterCreation(client, { interval: 100 }),
      cancelled: useCharacterCreation(client, { interval: 100 }),
    }));
    await act(async () => {
      await result.current.failing.createCharacter({ name: "Ada" });
      await result.current.cancelled.createCharacter({ name: "Bo" });
    });
    await waitFor(() => expect(result.current.cancelled.job?.attemptsMade).toBeGreaterThan(0), {
      timeout: 15_000,
    });
    await act(() => result.current.cancelled.cancel());
    await waitFor(() => expect(result.current.cancelled.status).toBe("cancelled"), { timeout: 10_000 });
    await waitFor(() => expect(result.current.failing.status).toBe("failed"), { timeout: 30_000 });
    const job = result.current.failing.job;
    expect(job?.failedReason).toBe("OpenAI: network error on POST chat/completions: All connection attempts failed");
    expect(result.current.failing.error).toBe(job?.failedReason);
    expect(job?.result?.characterId).toBeNull();
    expect(job?.attemptsMade).toBe(3);
  }, 45_000);

  it("useImageGeneration: a cancel reaches onFailed with status cancelled", async () => {
    const failed: ImageFailed[] = [];
    const { result } = renderHook(() => useImageGeneration({ client, onFailed: (e) => failed.push(e) }));
    await act(async () => {
      await result.current.generateImage({ heroName: "Ann", originalImageBase64: photoDataUrl() });
    });
    await act(() => result.current.cancel());
    await waitFor(() => expect(failed).toHaveLength(1), { timeout: 15_000 });
    expect(failed[0]).toMatchObject({ status: "cancelled", error: "Job was cancelled" });
  }, 20_000);
});
