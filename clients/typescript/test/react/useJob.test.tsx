// @vitest-environment jsdom
import { act, cleanup, renderHook, waitFor } from "@testing-library/react";
import { StrictMode } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { GenqueueClient, GenqueueSocket, type JobView } from "../../src/index.js";
import { isFatal } from "../../src/react/follow.js";
import { socketPoolOf, useJob } from "../../src/react/index.js";
import { baseUrl, tokenFor } from "../support/context.js";
import { startProxy } from "../support/proxy.js";
import { clientWithoutSocket, providerOf, recordedClient } from "./support.js";

afterEach(cleanup);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("useJob", () => {
  it("follows a demo job over SSE to completion, with its progress", async () => {
    const { client, log } = recordedClient();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 10, stepSeconds: 0.05 } });
    const tasks = new Set<string>();
    const { result } = renderHook(
      () => {
        const state = useJob(jobId, { push: "sse" });
        if (state.progress.currentTask) tasks.add(state.progress.currentTask);
        return state;
      },
      { wrapper: providerOf(client) },
    );
    await waitFor(() => expect(result.current.status).toBe("completed"), { timeout: 15_000 });
    expect(result.current.transport).toBe("push");
    expect(result.current.progress).toMatchObject({ percentage: 100, current: 10, total: 10 });
    expect(result.current.job?.result).toEqual({ steps: 10, attempt: 1 });
    expect(result.current.job?.attemptsMade).toBe(1);
    expect(result.current.isFinal).toBe(true);
    expect(result.current.isFollowing).toBe(false);
    expect(tasks.size).toBeGreaterThan(1);
    // one stream and one read at the end: no polling while the stream works
    expect(log.sent.filter((r) => r.endsWith("/events"))).toHaveLength(1);
    expect(log.sent.filter((r) => r === `GET /api/v1/jobs/${jobId}`)).toHaveLength(1);
  });

  it("follows a demo job over Socket.IO to completion", async () => {
    const { client, log } = recordedClient();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 8, stepSeconds: 0.05 } });
    const percentages: number[] = [];
    const { result } = renderHook(
      () => {
        const state = useJob(jobId, { push: "socket" });
        percentages.push(state.progress.percentage);
        return state;
      },
      { wrapper: providerOf(client) },
    );
    await waitFor(() => expect(result.current.status).toBe("completed"), { timeout: 15_000 });
    expect(result.current.transport).toBe("push");
    expect(result.current.job?.result).toEqual({ steps: 8, attempt: 1 });
    expect(new Set(percentages).size).toBeGreaterThan(2);
    expect(log.sent.some((r) => r.endsWith("/events"))).toBe(false);
  });

  it("shows why a job failed, after its retries, over SSE and over Socket.IO", async () => {
    const { client } = recordedClient();
    const data = { steps: 2, stepSeconds: 0.01, failAttempts: 3 };
    const a = await client.submit({ type: "demo", data });
    const b = await client.submit({ type: "demo", data });
    const failed: string[] = [];
    const { result } = renderHook(
      () => ({
        sse: useJob(a.jobId, { push: "sse", onFailed: (job) => failed.push(`sse ${job.failedReason}`) }),
        socket: useJob(b.jobId, { push: "socket", onFailed: (job) => failed.push(`socket ${job.failedReason}`) }),
      }),
      { wrapper: providerOf(client) },
    );
    await waitFor(() => expect(result.current.sse.status).toBe("delayed"), { timeout: 10_000 });
    expect(result.current.sse.failedReason).toBe("demo failure on attempt 1 (failAttempts=3)");
    await waitFor(
      () => {
        expect(result.current.sse.status).toBe("failed");
        expect(result.current.socket.status).toBe("failed");
      },
      { timeout: 20_000 },
    );
    const reason = "demo failure on attempt 3 (failAttempts=3)";
    expect(result.current.sse.failedReason).toBe(reason);
    expect(result.current.socket.failedReason).toBe(reason);
    expect(result.current.sse.job?.attemptsMade).toBe(3);
    expect(failed.sort()).toEqual([`socket ${reason}`, `sse ${reason}`]);
  }, 40_000);

  it("cancels a running job, then retries it to completion", async () => {
    const { client } = recordedClient();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 60, stepSeconds: 0.05 } });
    const { result } = renderHook(() => useJob(jobId), { wrapper: providerOf(client) });
    await waitFor(() => expect(result.current.progress.percentage).toBeGreaterThan(0), { timeout: 10_000 });
    await act(() => result.current.cancel());
    await waitFor(() => expect(result.current.status).toBe("cancelled"), { timeout: 10_000 });
    expect(result.current.isFinal).toBe(true);
    expect(result.current.progress.percentage).toBeLessThan(100);
    await act(() => result.current.retry());
    await waitFor(() => expect(result.current.status).toBe("completed"), { timeout: 15_000 });
    expect(result.current.error).toBeNull();
  }, 30_000);

  it("reports a refused cancel (a finished job) as its error", async () => {
    const { client } = recordedClient();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 1, stepSeconds: 0 } });
    const { result } = renderHook(() => useJob(jobId), { wrapper: providerOf(client) });
    await waitFor(() => expect(result.current.status).toBe("completed"), { timeout: 10_000 });
    await act(() => result.current.cancel());
    expect(result.current.error).toMatchObject({ status: 409 });
  });

  it.each([["sse"], ["socket"], [false]] as const)(
    "sends nothing more once unmounted (push: %s)",
    async (push) => {
      const { client, log } = recordedClient();
      const { jobId } = await client.submit({ type: "demo", data: { steps: 100, stepSeconds: 0.05 } });
      const { result, unmount } = renderHook(
        () => useJob(jobId, { push, poll: { initialMs: 100, maximumMs: 200 } }),
        { wrapper: providerOf(client) },
      );
      await waitFor(() => expect(result.current.progress.percentage).toBeGreaterThan(5), { timeout: 10_000 });
      const socket = push === "socket" ? socketOf(client) : null;
      if (push === "sse") expect(log.openStreams()).toBe(1);
      if (socket) expect(socket.connected).toBe(true);
      unmount();
      const sentAtUnmount = log.sent.length;
      await pause(1_000);
      expect(log.sent.length).toBe(sentAtUnmount);
      expect(log.openStreams()).toBe(0);
      if (socket) expect(socket.connected).toBe(false);
      const job = await client.getJob(jobId);
      expect(job.status).toBe("active"); // the job goes on: only the watching stopped
      await client.cancel(jobId);
    },
    20_000,
  );

  it("falls back to polling when the event stream cannot be reached", async () => {
    const { client, log } = recordedClient((url) => url.endsWith("/events"));
    const { jobId } = await client.submit({ type: "demo", data: { steps: 30, stepSeconds: 0.05 } });
    const { result } = renderHook(() => useJob(jobId, { push: "sse", poll: { initialMs: 100, maximumMs: 400 } }), {
      wrapper: providerOf(client),
    });
    await waitFor(() => expect(result.current.status).toBe("completed"), { timeout: 15_000 });
    expect(result.current.transport).toBe("polling");
    expect(result.current.job?.result).toEqual({ steps: 30, attempt: 1 });
    expect(log.sent.filter((r) => r.endsWith("/events")).length).toBeGreaterThanOrEqual(1);
    expect(log.sent.filter((r) => r === `GET /api/v1/jobs/${jobId}`).length).toBeGreaterThan(1);
  });

  it("falls back to polling when Socket.IO cannot connect", async () => {
    const { client, log } = clientWithoutSocket();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 30, stepSeconds: 0.05 } });
    const { result } = renderHook(
      () => useJob(jobId, { push: "socket", poll: { initialMs: 100, maximumMs: 400 } }),
      { wrapper: providerOf(client) },
    );
    await waitFor(() => expect(result.current.status).toBe("completed"), { timeout: 15_000 });
    expect(result.current.transport).toBe("polling");
    expect(log.sent.filter((r) => r === `GET /api/v1/jobs/${jobId}`).length).toBeGreaterThan(1);
  });

  it("works under StrictMode: one job followed to the end, nothing left open", async () => {
    const { client, log } = recordedClient();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 10, stepSeconds: 0.05 } });
    const Wrapper = providerOf(client);
    const { result, unmount } = renderHook(() => useJob(jobId), {
      wrapper: ({ children }) => (
        <StrictMode>
          <Wrapper>{children}</Wrapper>
        </StrictMode>
      ),
    });
    await waitFor(() => expect(result.current.status).toBe("completed"), { timeout: 15_000 });
    expect(log.openStreams()).toBe(0);
    unmount();
    const sent = log.sent.length;
    await pause(300);
    expect(log.sent.length).toBe(sent);
  });

  it("ends with the error when the job does not exist (404), without polling on", async () => {
    const { client, log } = recordedClient();
    const { result } = renderHook(() => useJob("no-such-job"), { wrapper: providerOf(client) });
    await waitFor(() => expect(result.current.error).toMatchObject({ status: 404 }), { timeout: 10_000 });
    await waitFor(() => expect(result.current.isFollowing).toBe(false));
    const sent = log.sent.length;
    await pause(600);
    expect(log.sent.length).toBe(sent);
  });
});

describe("useJob over Socket.IO on a 360° set (seed 002)", () => {
  it("sees every shot, the ones made while the socket was still connecting too", async () => {
    // the socket goes through a proxy that holds each connection for 1.2 s: shots finish
    // between the hook's start and its subscription
    const proxy = await startProxy(baseUrl(), { connectDelayMs: 1_200 });
    try {
      const token = tokenFor();
      class SlowSocketClient extends GenqueueClient {
        override socket(): GenqueueSocket {
          return new GenqueueSocket({ baseUrl: proxy.baseUrl, token, transports: ["websocket"] });
        }
      }
      const client = new SlowSocketClient({ baseUrl: baseUrl(), token });
      const character = await client.characters.createNow({
        name: "Mira",
        description: "A young cartographer with a brass compass and a green scarf",
      });
      const imageCount = 6;
      const { jobId } = await client.library360.generate360Set(character.id, { imageCount });
      let firstCompleted: JobView | null = null;
      const { result } = renderHook(
        () => {
          const state = useJob(jobId, { push: "socket" });
          if (state.job?.status === "completed") firstCompleted ??= state.job;
          return state;
        },
        { wrapper: providerOf(client) },
      );
      await waitFor(() => expect(result.current.status).toBe("completed"), { timeout: 30_000 });
      expect(result.current.transport).toBe("push");
      const final = await client.getJob(jobId);
      expect(final.partialResults).toHaveLength(imageCount);
      const shots = final.partialResults.map((item) => JSON.stringify(item)).sort();
      // the patch of the completed event, before the final read, holds every shot once
      const seen = (firstCompleted as JobView | null)?.partialResults ?? [];
      expect(seen.map((item) => JSON.stringify(item)).sort()).toEqual(shots);
    } finally {
      await proxy.close();
    }
  }, 40_000);
});

describe("useJob's default channel: the pooled Socket.IO connection", () => {
  it("follows eight jobs at once on one socket, no event stream, each final callback once", async () => {
    const { client, log } = recordedClient();
    const ids: string[] = [];
    for (let n = 0; n < 8; n++) {
      ids.push((await client.submit({ type: "demo", data: { steps: 10, stepSeconds: 0.05 } })).jobId);
    }
    const completed: string[] = [];
    const sockets = new Set<GenqueueSocket | null>();
    const { result } = renderHook(
      () => {
        const states = ids.map((id) => useJob(id, { onCompleted: (job) => completed.push(job.jobId) }));
        sockets.add(socketPoolOf(client).current);
        return states;
      },
      { wrapper: providerOf(client) },
    );
    await waitFor(() => expect(result.current.every((s) => s.status === "completed")).toBe(true), {
      timeout: 20_000,
    });
    expect(result.current.every((s) => s.transport === "push")).toBe(true);
    expect(log.sent.filter((r) => r.endsWith("/events"))).toEqual([]);
    sockets.delete(null);
    expect(sockets.size).toBe(1);
    await pause(300);
    expect(completed.sort()).toEqual([...ids].sort());
  }, 30_000);
});

describe("isFatal", () => {
  it("stops on every 4xx but 408 and 429; goes on after 5xx and network errors", () => {
    for (const status of [400, 401, 402, 403, 404, 409, 410, 413, 422]) expect(isFatal({ status })).toBe(true);
    for (const status of [408, 429, 500, 502, 503, 504]) expect(isFatal({ status })).toBe(false);
    expect(isFatal(new TypeError("fetch failed"))).toBe(false);
    expect(isFatal(null)).toBe(false);
  });
});

/** The shared socket the pool opened for `client` (tests look at its connection). */
function socketOf(client: GenqueueClient): GenqueueSocket {
  const socket = socketPoolOf(client).current;
  if (socket === null) throw new Error("no socket is open");
  return socket;
}
