import { afterEach, describe, expect, inject, it } from "vitest";
import {
  type AnyJobEvent,
  GenqueueClient,
  GenqueueSocket,
  type JobCompletedPayload,
  type JobFailedPayload,
  type JobStreamEvent,
  reconnectDelay,
  splitBaseUrl,
} from "../src/index.js";
import { baseUrl, clientFor, tokenFor } from "./support/context.js";
import { mintToken } from "./support/server.js";
import { startProxy } from "./support/proxy.js";

const MODES = {
  "websocket only": ["websocket"],
  "polling first": ["polling", "websocket"],
} as const;

const sockets: GenqueueSocket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

function track(socket: GenqueueSocket): GenqueueSocket {
  sockets.push(socket);
  return socket;
}

/** Resolves with every event of a job subscription once its final one came. */
function follow(
  socket: GenqueueSocket,
  jobId: string,
  lastEventId?: string,
): { events: AnyJobEvent[]; done: Promise<JobCompletedPayload | JobFailedPayload> } {
  const events: AnyJobEvent[] = [];
  const done = new Promise<JobCompletedPayload | JobFailedPayload>((resolve, reject) => {
    socket.subscribeToJob(
      jobId,
      {
        onEvent: (event) => events.push(event),
        onCompleted: resolve,
        onFailed: resolve,
        onError: (error) => reject(new Error(error.message)),
      },
      lastEventId,
    );
  });
  return { events, done };
}

describe.each(Object.entries(MODES))("Socket.IO, %s", (_mode, transports) => {
  it("confirms the connection and follows a job to completion", async () => {
    const user = `sock-${crypto.randomUUID()}`;
    const client = new GenqueueClient({ baseUrl: baseUrl(), token: tokenFor(user) });
    const socket = track(client.socket({ transports: [...transports] }));
    const upgrades: string[] = [];
    const opened = new Promise<string>((resolve) =>
      socket.socket.io.once("open", () => {
        socket.socket.io.engine.on("upgrade", (t: { name: string }) => upgrades.push(t.name));
        resolve(socket.socket.io.engine.transport.name);
      }),
    );
    const confirmed = await socket.ready();
    expect(confirmed.userId).toBe(user);
    expect(await opened).toBe(transports[0]);
    const { jobId } = await client.submit({ type: "demo", data: { steps: 5, stepSeconds: 0.05 } });
    const { events, done } = follow(socket, jobId);
    const final = await done;
    expect(final.status).toBe("completed");
    expect((final as JobCompletedPayload).result).toEqual({ steps: 5, attempt: 1 });
    const progress = events.flatMap((e) => (e.name === "job_progress" ? [e.payload.progress] : []));
    expect(progress.at(-1)).toBe(100);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(events.filter((e) => e.name === "job_completed")).toHaveLength(1);
    expect(new Set(events.map((e) => e.payload.eventId)).size).toBe(events.length);
    expect(upgrades).toEqual(transports.length > 1 ? ["websocket"] : []);
  });

  it("resumes after the connection drops: the same events as SSE, none twice", async () => {
    const proxy = await startProxy(baseUrl());
    try {
      const token = tokenFor();
      const direct = new GenqueueClient({ baseUrl: baseUrl(), token });
      const { jobId } = await direct.submit({
        type: "demo",
        data: { steps: 30, stepSeconds: 0.05 },
      });
      const sse: JobStreamEvent[] = [];
      let snapshotId: string | undefined;
      const reference = direct.streamJob(jobId, {
        onEvent: (e) => {
          sse.push(e);
          if (e.event === "snapshot") snapshotId = e.id;
        },
      });
      while (snapshotId === undefined) await new Promise((r) => setTimeout(r, 10));
      const socket = track(
        new GenqueueSocket({ baseUrl: proxy.baseUrl, token, transports: [...transports] }),
      );
      await socket.ready();
      let reconnects = 0;
      socket.socket.io.on("reconnect", () => reconnects++);
      const { events, done } = follow(socket, jobId, snapshotId);
      let cuts = 0;
      const cutter = setInterval(() => {
        if (proxy.cut() > 0) cuts++;
      }, 350);
      await Promise.all([done, reference]).finally(() => clearInterval(cutter));
      expect(cuts).toBeGreaterThanOrEqual(2);
      expect(reconnects).toBeGreaterThanOrEqual(1);
      const fromSse = sse.filter((e) => !e.snapshot).map((e) => e.id);
      expect(events.map((e) => e.payload.eventId)).toEqual(fromSse);
      expect(events.at(-1)?.name).toBe("job_completed");
    } finally {
      await proxy.close();
    }
  });
});

describe("Socket.IO", () => {
  it("refuses a bad token: ready() rejects", async () => {
    const socket = track(
      new GenqueueSocket({ baseUrl: baseUrl(), token: "not-a-jwt", transports: ["websocket"] }),
    );
    await expect(socket.ready()).rejects.toThrow();
    expect(socket.connected).toBe(false);
  });

  it("reports a cancelled job as job_failed with status cancelled", async () => {
    const client = clientFor();
    const socket = track(client.socket({ transports: ["websocket"] }));
    await socket.ready();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 50, stepSeconds: 0.1 } });
    const started = new Promise<void>((resolve) => {
      socket.subscribeToJob(jobId, { onProgress: (p) => p.progress > 0 && resolve() });
    });
    const { done } = follow(socket, jobId);
    await started;
    await client.cancel(jobId);
    const final = (await done) as JobFailedPayload;
    expect(final.status).toBe("cancelled");
    expect(final.error).toBe("Job was cancelled");
  });

  it("refuses a job of another user through onError", async () => {
    const owner = clientFor();
    const { jobId } = await owner.submit({ type: "demo", data: { steps: 1 } });
    const socket = track(clientFor().socket({ transports: ["websocket"] }));
    await socket.ready();
    const error = await new Promise<string>((resolve) => {
      socket.subscribeToJob(jobId, { onError: (e) => resolve(e.code) });
    });
    expect(error).toBe("refused");
  });

  it("subscribeToMyJobs sees the user's new jobs and not another user's", async () => {
    const client = clientFor();
    const other = clientFor();
    const socket = track(client.socket({ transports: ["websocket"] }));
    await socket.ready();
    const completed: string[] = [];
    const subscription = socket.subscribeToMyJobs({ onCompleted: (p) => completed.push(p.jobId) });
    expect((await subscription.ready).ok).toBe(true);
    await other.submit({ type: "demo", data: { steps: 1 } });
    const { jobId } = await client.submit({ type: "demo", data: { steps: 2 } });
    await client.streamJob(jobId);
    for (let i = 0; i < 100 && completed.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(completed).toEqual([jobId]);
    subscription.unsubscribe();
  });

  it("answers ping with the server's clock", async () => {
    const socket = track(clientFor().socket({ transports: ["websocket"] }));
    await socket.ready();
    const { timestamp } = await socket.ping();
    expect(Math.abs(timestamp - Date.now())).toBeLessThan(5_000);
  });

  it("asks a token function again after its token expired, and resumes the job", async () => {
    const sub = `exp-${crypto.randomUUID()}`;
    const secret = inject("jwtSecret");
    const issued: number[] = [];
    const token = () => {
      issued.push(Date.now());
      return mintToken(secret, sub, { ttlSeconds: issued.length === 1 ? 2 : 3600 });
    };
    const client = new GenqueueClient({ baseUrl: baseUrl(), token });
    const renewing = track(client.socket({ transports: ["websocket"] }));
    const fixed = track(
      new GenqueueSocket({
        baseUrl: baseUrl(),
        token: mintToken(secret, sub, { ttlSeconds: 2 }),
        transports: ["websocket"],
      }),
    );
    await Promise.all([renewing.ready(), fixed.ready()]);
    const errors: string[] = [];
    fixed.socket.on("error", (e: { code: string }) => errors.push(e.code));
    const { jobId } = await client.submit({ type: "demo", data: { steps: 40, stepSeconds: 0.1 } });
    const sse: JobStreamEvent[] = [];
    let snapshotId: string | undefined;
    const reference = client.streamJob(jobId, {
      onEvent: (e) => {
        sse.push(e);
        if (e.event === "snapshot") snapshotId = e.id;
      },
    });
    while (snapshotId === undefined) await new Promise((r) => setTimeout(r, 10));
    const { events, done } = follow(renewing, jobId, snapshotId);
    await Promise.all([done, reference]);
    expect(issued.length).toBeGreaterThanOrEqual(2);
    expect(events.map((e) => e.payload.eventId)).toEqual(
      sse.filter((e) => !e.snapshot).map((e) => e.id),
    );
    expect(errors).toEqual(["token_expired"]);
    expect(fixed.connected).toBe(false);
  }, 20_000);
});

describe("reconnection after the server disconnects", () => {
  it("waits longer after each disconnect in a row, with jitter, up to a cap", () => {
    const policy = { initialMs: 500, maxMs: 4_000, stableMs: 10_000 };
    expect([0, 1, 2, 3, 4, 9].map((n) => reconnectDelay(n, policy, 0.999999))).toEqual([
      500, 1_000, 2_000, 4_000, 4_000, 4_000,
    ]);
    expect([0, 1, 2, 3].map((n) => reconnectDelay(n, policy, 0))).toEqual([250, 500, 1_000, 2_000]);
  });

  it("backs off while connections keep being dropped, and starts over after a stable one", async () => {
    const secret = inject("jwtSecret");
    const sub = `backoff-${crypto.randomUUID()}`;
    // every token lives one to two seconds: the server disconnects each connection soon
    const token = () => mintToken(secret, sub, { ttlSeconds: 2 });
    const watch = (stableMs: number) => {
      const socket = track(
        new GenqueueSocket({
          baseUrl: baseUrl(),
          token,
          transports: ["websocket"],
          reconnect: { initialMs: 400, maxMs: 1_600, stableMs },
        }),
      );
      const gaps: number[] = [];
      let droppedAt = 0;
      socket.socket.on("disconnect", () => {
        droppedAt = Date.now();
      });
      socket.socket.on("connect", () => {
        if (droppedAt > 0) gaps.push(Date.now() - droppedAt);
      });
      return gaps;
    };
    const growing = watch(60_000);
    const resetting = watch(500);
    while (growing.length < 3 || resetting.length < 3) await new Promise((r) => setTimeout(r, 50));
    // nominal waits 400, 800, 1600 ms, each between half of it and all of it (+ the
    // handshake, slower on a busy machine: the lower bounds are what tell backoff apart)
    const slack = 700;
    expect(growing[0]).toBeGreaterThanOrEqual(200);
    expect(growing[0]).toBeLessThan(400 + slack);
    expect(growing[1]).toBeGreaterThanOrEqual(400);
    expect(growing[1]).toBeLessThan(800 + slack);
    expect(growing[2]).toBeGreaterThanOrEqual(800);
    expect(growing[2]).toBeLessThan(1_600 + slack);
    // each connection lasted over stableMs: every wait is a first one
    for (const gap of resetting.slice(0, 3)) {
      expect(gap).toBeGreaterThanOrEqual(200);
      expect(gap).toBeLessThan(400 + slack);
    }
  }, 25_000);
});

describe("splitBaseUrl", () => {
  it("keeps the path out of io()'s URL, where it would name a namespace", () => {
    expect(splitBaseUrl("http://127.0.0.1:8000")).toEqual({
      origin: "http://127.0.0.1:8000",
      prefix: "",
    });
    expect(splitBaseUrl("https://example.test/genqueue/")).toEqual({
      origin: "https://example.test",
      prefix: "/genqueue",
    });
    expect(splitBaseUrl("")).toEqual({ origin: "", prefix: "" });
    expect(splitBaseUrl("/genqueue")).toEqual({ origin: "", prefix: "/genqueue" });
  });
});
