import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import {
  GenqueueClient,
  type JobStreamEvent,
  NetworkError,
  NotFoundError,
  type SseMessage,
  StreamExhaustedError,
  UnauthorizedError,
  ValidationError,
  readSse,
} from "../src/index.js";
import { baseUrl, clientFor, tokenFor } from "./support/context.js";
import { startProxy } from "./support/proxy.js";
import { freePort } from "./support/server.js";

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(body: ReadableStream<Uint8Array>): Promise<SseMessage[]> {
  const messages: SseMessage[] = [];
  for await (const message of readSse(body)) messages.push(message);
  return messages;
}

const feed = (events: JobStreamEvent[]) => events.filter((e) => !e.snapshot);

describe("readSse", () => {
  it("parses fields, comments, multi-line data and every line ending, across chunk splits", async () => {
    const messages = await collect(
      streamOf(
        ": heartbeat\n\n",
        "id: 1\nevent: progress\ndata: {\"a\":\n",
        "data: 1}\n\nid: 2\r",
        "\nevent: completed\r\ndata: x\r\rretry: 500\ndata:no-space\n\n",
        "data: tail-without-blank-line",
      ),
    );
    expect(messages).toEqual([
      { id: "1", event: "progress", data: '{"a":\n1}', retry: undefined },
      { id: "2", event: "completed", data: "x", retry: undefined },
      { id: "2", event: "message", data: "no-space", retry: 500 },
    ]);
  });

  it("tells of every chunk read, a heartbeat comment too (what keeps the idle timer off)", async () => {
    let chunks = 0;
    const messages: SseMessage[] = [];
    for await (const message of readSse(streamOf(": heartbeat\n\n", ": heartbeat\n\n", "id: 1\ndata: x\n\n"), () => chunks++)) {
      messages.push(message);
    }
    expect(chunks).toBe(3);
    expect(messages).toHaveLength(1);
  });
});

describe("streamJob", () => {
  it("sends a snapshot, then every event in order until completed", async () => {
    const client = clientFor();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 4, stepSeconds: 0.05 } });
    const events: JobStreamEvent[] = [];
    const end = await client.streamJob(jobId, { onEvent: (e) => events.push(e) });
    expect(events[0]?.event).toBe("snapshot");
    expect(events[0]?.snapshot).toBe(true);
    expect(end.final.event).toBe("completed");
    expect(end.lastEventId).toBe(events.at(-1)?.id);
    expect(end.reconnects).toBe(0);
    const progress = feed(events)
      .filter((e) => e.event === "progress")
      .map((e) => (e.snapshot ? undefined : e.data.percentage));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress).toEqual([...progress].sort((a, b) => (a ?? 0) - (b ?? 0)));
    expect(progress.at(-1)).toBe(100);
    const final = end.final;
    expect(final.snapshot ? undefined : final.data.result).toEqual({ steps: 4, attempt: 1 });
    expect(new Set(events.map((e) => `${e.event}:${e.id}`)).size).toBe(events.length);
  });

  it("answers a finished job with its snapshot and final state at once", async () => {
    const client = clientFor();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 1 } });
    await client.streamJob(jobId);
    const events: JobStreamEvent[] = [];
    const end = await client.streamJob(jobId, { onEvent: (e) => events.push(e) });
    expect(events.map((e) => e.event)).toEqual(["snapshot", "completed"]);
    expect(end.final.snapshot).toBe(true);
    expect(end.final.snapshot && end.final.data.status).toBe("completed");
  });

  it("resumes from lastEventId with only the events after it", async () => {
    const client = clientFor();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 3, stepSeconds: 0.05 } });
    const first: JobStreamEvent[] = [];
    await client.streamJob(jobId, { onEvent: (e) => first.push(e) });
    const cutAt = 2;
    const after: JobStreamEvent[] = [];
    await client.streamJob(jobId, {
      lastEventId: first[cutAt]?.id,
      onEvent: (e) => after.push(e),
    });
    expect(after.map((e) => [e.event, e.id])).toEqual(
      first.slice(cutAt + 1).map((e) => [e.event, e.id]),
    );
  });

  it("reconnects with Last-Event-ID after the connection drops: no gap, no duplicate", async () => {
    const proxy = await startProxy(baseUrl());
    try {
      const token = tokenFor();
      const direct = new GenqueueClient({ baseUrl: baseUrl(), token });
      const cut = new GenqueueClient({ baseUrl: proxy.baseUrl, token });
      const { jobId } = await direct.submit({
        type: "demo",
        data: { steps: 30, stepSeconds: 0.05 },
      });
      const whole: JobStreamEvent[] = [];
      let snapshotId: string | undefined;
      const reference = direct.streamJob(jobId, {
        onEvent: (e) => {
          whole.push(e);
          if (e.event === "snapshot") snapshotId = e.id;
        },
      });
      while (snapshotId === undefined) await new Promise((r) => setTimeout(r, 10));
      const resumed: JobStreamEvent[] = [];
      const reconnects: number[] = [];
      const interrupted = cut.streamJob(jobId, {
        lastEventId: snapshotId,
        reconnectDelayMs: 50,
        onEvent: (e) => resumed.push(e),
        onReconnect: (n) => reconnects.push(n),
      });
      let cuts = 0;
      const cutter = setInterval(() => {
        if (proxy.cut() > 0) cuts++;
      }, 300);
      const [end] = await Promise.all([interrupted, reference]).finally(() =>
        clearInterval(cutter),
      );
      expect(cuts).toBeGreaterThanOrEqual(2);
      expect(end.reconnects).toBeGreaterThanOrEqual(2);
      expect(reconnects.length).toBe(end.reconnects);
      expect(resumed.map((e) => [e.event, e.id])).toEqual(
        feed(whole).map((e) => [e.event, e.id]),
      );
      expect(end.final.event).toBe("completed");
    } finally {
      await proxy.close();
    }
  });

  it("stops when its signal aborts", async () => {
    const client = clientFor();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 50, stepSeconds: 0.1 } });
    const controller = new AbortController();
    const events: string[] = [];
    const stream = client.streamJob(jobId, {
      signal: controller.signal,
      onEvent: (e) => {
        events.push(e.event);
        if (e.event === "progress") controller.abort(new Error("enough"));
      },
    });
    await expect(stream).rejects.toThrow("enough");
    expect(events).toContain("progress");
    await client.cancel(jobId);
  });

  it("throws typed errors instead of reconnecting: 404, 401, 422 for a bad lastEventId", async () => {
    const client = clientFor();
    await expect(client.streamJob("no-such-job")).rejects.toBeInstanceOf(NotFoundError);
    const { jobId } = await client.submit({ type: "demo", data: { steps: 1 } });
    const anonymous = new GenqueueClient({ baseUrl: baseUrl() });
    await expect(anonymous.streamJob(jobId)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(client.streamJob(jobId, { lastEventId: "not-an-id" })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it("takes a connection that went silent (half-open) for dead and resumes on a new one", async () => {
    const proxy = await startProxy(baseUrl());
    try {
      const token = tokenFor();
      const direct = new GenqueueClient({ baseUrl: baseUrl(), token });
      const through = new GenqueueClient({ baseUrl: proxy.baseUrl, token });
      const { jobId } = await direct.submit({ type: "demo", data: { steps: 40, stepSeconds: 0.05 } });
      const resumed: JobStreamEvent[] = [];
      let frozen = 0;
      const started = Date.now();
      const end = await through.streamJob(jobId, {
        idleTimeoutMs: 800,
        reconnectDelayMs: 20,
        onEvent: (e) => {
          resumed.push(e);
          if (e.event === "progress" && frozen === 0) frozen = proxy.freeze();
        },
      });
      expect(frozen).toBe(1);
      expect(end.reconnects).toBeGreaterThanOrEqual(1);
      expect(end.final.event).toBe("completed");
      expect(Date.now() - started).toBeLessThan(10_000);
      const whole: JobStreamEvent[] = [];
      await direct.streamJob(jobId, { lastEventId: resumed[0]?.id, onEvent: (e) => whole.push(e) });
      // after the snapshot, the same feed events as a stream that never froze: no gap, no duplicate
      expect(feed(resumed).map((e) => e.id)).toEqual(whole.map((e) => e.id));
    } finally {
      await proxy.close();
    }
  });

  it("gives up with a StreamExhaustedError after maxReconnects failed connections", async () => {
    const port = await freePort();
    const client = new GenqueueClient({ baseUrl: `http://127.0.0.1:${port}`, token: tokenFor() });
    const error = await client
      .streamJob("some-job", { maxReconnects: 2, reconnectDelayMs: 10 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamExhaustedError);
    const exhausted = error as StreamExhaustedError;
    expect(exhausted.attempts).toBe(3);
    expect(exhausted.jobId).toBe("some-job");
    expect(exhausted.cause).toBeInstanceOf(NetworkError);
  });

  it("lets go of the caller's signal once a streamed body is read to its end", async () => {
    const client = clientFor();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 2, stepSeconds: 0.01 } });
    const controller = new AbortController();
    const response = await client.httpClient.send({
      method: "GET",
      path: `/api/v1/jobs/${jobId}/events`,
      headers: { Accept: "text/event-stream" },
      options: { signal: controller.signal },
      stream: true,
    });
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    await response.text();
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    await client.streamJob(jobId, { signal: controller.signal });
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});
