import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiError,
  ConflictError,
  ForbiddenError,
  GenqueueClient,
  InsufficientCreditsError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  RequestTimeoutError,
  ServiceUnavailableError,
  UnauthorizedError,
  UnexpectedResponseError,
  ValidationError,
  errorMessage,
  toError,
} from "../src/index.js";
import { adminClient, baseUrl, clientFor, tokenFor } from "./support/context.js";
import { type RunningServer, freePort, mintToken, startServer } from "./support/server.js";

/** Expects `call` to reject with an instance of `kind`, and answers the error. */
async function failure<E extends ApiError>(
  call: Promise<unknown>,
  kind: abstract new (...args: never[]) => E,
): Promise<E> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(kind);
  return error as E;
}

describe("errors as typed exceptions", () => {
  it("401 without a token, and with a bad one", async () => {
    const anonymous = new GenqueueClient({ baseUrl: baseUrl() });
    const none = await failure(anonymous.listJobs(), UnauthorizedError);
    expect(none.status).toBe(401);
    expect(none.code).toBe("unauthorized");
    expect(none.message).not.toBe("");
    expect(none.request).toBe("GET /api/v1/jobs");
    const forged = new GenqueueClient({
      baseUrl: baseUrl(),
      token: mintToken("not-the-secret", "mallory"),
    });
    expect((await failure(forged.credits(), UnauthorizedError)).status).toBe(401);
  });

  it("asks a token function before every request", async () => {
    let token: string | undefined;
    const client = new GenqueueClient({ baseUrl: baseUrl(), token: () => token });
    await failure(client.credits(), UnauthorizedError);
    token = tokenFor("fn-user");
    expect((await client.credits()).userId).toBe("fn-user");
  });

  it("403 for a user on an admin route and on other users' jobs", async () => {
    const user = clientFor();
    const admin = await failure(user.admin.workers(), ForbiddenError);
    expect(admin.status).toBe(403);
    expect(admin.code).toBe("forbidden");
    await failure(user.listJobs({ all: true }), ForbiddenError);
  });

  it("404 for an unknown job, and for another user's", async () => {
    const user = clientFor();
    const missing = await failure(user.getJob("no-such-job"), NotFoundError);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ success: false, statusCode: 404 });
    const { jobId } = await clientFor().submit({ type: "demo", data: { steps: 1 } });
    await failure(user.getJob(jobId), NotFoundError);
    await failure(user.stories.story("no-such-story"), NotFoundError);
  });

  it("409 when cancelling a finished job, with its state", async () => {
    const client = clientFor();
    const { jobId } = await client.submit({ type: "demo", data: { steps: 1 } });
    await client.streamJob(jobId);
    const conflict = await failure(client.cancel(jobId), ConflictError);
    expect(conflict.status).toBe(409);
    expect(conflict.state).toBe("completed");
  });

  it("422 with the invalid fields", async () => {
    const client = clientFor();
    const invalid = await failure(
      client.submit({ type: "demo", data: { steps: 1 }, priority: 0 }),
      ValidationError,
    );
    expect(invalid.status).toBe(422);
    expect(invalid.fieldErrors.map((e) => e.field)).toContain("body.priority");
    const unknown = await failure(client.submit({ type: "no-such-type" }), ValidationError);
    expect(unknown.message).toMatch(/no-such-type/);
    await failure(client.listJobs({ status: "sleeping" }), ValidationError);
  });

  it("402 with balance and cost when the credits are spent", async () => {
    const sub = `poor-${crypto.randomUUID()}`;
    const client = clientFor(sub);
    const { balance } = await client.credits();
    await adminClient().admin.grantCredits(sub, { amount: -balance, note: "test" });
    expect((await client.credits()).balance).toBe(0);
    const poor = await failure(
      client.stories.generate({ prompt: "A fox who learns to sail" }),
      InsufficientCreditsError,
    );
    expect(poor.status).toBe(402);
    expect(poor.balance).toBe(0);
    expect(poor.cost).toBe(1);
  });

  it("rejects with the signal's reason when aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("not wanted"));
    await expect(clientFor().credits({ signal: controller.signal })).rejects.toThrow("not wanted");
  });

  it("throws NetworkError (fetch's TypeError as its cause) when nothing listens", async () => {
    const port = await freePort();
    const client = new GenqueueClient({ baseUrl: `http://127.0.0.1:${port}` });
    const error = await client.health().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).request).toBe("GET /health");
    expect((error as NetworkError).cause).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(ApiError);
  });

  it("throws UnexpectedResponseError for a 2xx whose body is not JSON (the web app's page)", async () => {
    const error = await clientFor()
      .httpClient.json({ method: "GET", path: "/" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    const unexpected = error as UnexpectedResponseError;
    expect(unexpected.status).toBe(200);
    expect(unexpected.request).toBe("GET /");
    expect(unexpected.body).toMatch(/^<!doctype html>/i);
    expect(unexpected.cause).toBeInstanceOf(SyntaxError);
  });

  it("turns anything thrown into a message and an Error", () => {
    expect(errorMessage(new NotFoundError(404, "no such job"))).toBe("no such job");
    expect(errorMessage("plain")).toBe("plain");
    expect(errorMessage(42)).toBe("42");
    expect(toError(null)).toBeNull();
    expect(toError("x")).toEqual(new Error("x"));
  });

  it("throws RequestTimeoutError when no answer comes in time", async () => {
    const held = new Set<import("node:net").Socket>();
    const silent = createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const client = new GenqueueClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 200 });
      const started = Date.now();
      const error = await client.health().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RequestTimeoutError);
      expect((error as RequestTimeoutError).timeoutMs).toBe(200);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe("429 and Retry-After (a server with GENQUEUE_SUBMIT_RATE=2/second)", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ env: { GENQUEUE_SUBMIT_RATE: "2/second" } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const clientOf = (sub: string, retry?: { maxRetries?: number; maxDelayMs?: number }) =>
    new GenqueueClient({ baseUrl: server.baseUrl, token: mintToken(server.secret, sub), retry });

  /** Submits until the limit is reached (the window's start is not ours to pick). */
  async function exhaust(client: GenqueueClient): Promise<RateLimitError> {
    for (let i = 0; i < 10; i++) {
      const error = await client
        .submit({ type: "demo", data: { steps: 1 } }, { maxRetries: 0 })
        .then(() => undefined, (e: unknown) => e);
      if (error !== undefined) {
        expect(error).toBeInstanceOf(RateLimitError);
        return error as RateLimitError;
      }
    }
    throw new Error("the submission limit was never reached");
  }

  it("throws RateLimitError with retryAfter when retries are off", async () => {
    const limited = await exhaust(clientOf("rl-off"));
    expect(limited.status).toBe(429);
    expect(limited.code).toBe("rate_limited");
    expect(limited.retryAfter).toBe(1);
    expect(limited.data?.retryAfter).toBeGreaterThan(0);
  });

  it("waits Retry-After and succeeds on the retry", async () => {
    const client = clientOf("rl-on");
    await exhaust(client);
    const started = Date.now();
    const submitted = await client.submit({ type: "demo", data: { steps: 1 } });
    expect(submitted.created).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("does not wait longer than maxDelayMs", async () => {
    const client = clientOf("rl-short", { maxDelayMs: 100 });
    await exhaust(client);
    const started = Date.now();
    await failure(client.submit({ type: "demo", data: { steps: 1 } }), RateLimitError);
    expect(Date.now() - started).toBeLessThan(900); // the wait would be 1000 ms
  });
});

describe("503 and Retry-After (a server whose image provider does not answer)", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      env: {
        GENQUEUE_PROVIDER: "openai",
        OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
        OPENAI_API_KEY: "unused",
        GENQUEUE_WORKERS: "0",
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** A client of that server, counting the requests it makes (real fetch underneath). */
  function counted(retry: { maxRetries?: number; maxDelayMs?: number }) {
    const calls = { count: 0 };
    const client = new GenqueueClient({
      baseUrl: server.baseUrl,
      token: mintToken(server.secret, "sync"),
      retry,
      fetch: (input, init) => {
        calls.count++;
        return fetch(input, init);
      },
    });
    return { client, calls };
  }

  const character = { name: "Mira", description: "A young cartographer with a brass compass" };

  it("throws ServiceUnavailableError with retryAfter when the wait is over maxDelayMs", async () => {
    const { client, calls } = counted({ maxDelayMs: 1_000 });
    const error = await failure(client.characters.createNow(character), ServiceUnavailableError);
    expect(error.status).toBe(503);
    expect(error.code).toBe("unavailable");
    expect(error.retryAfter).toBe(5);
    expect(error.message).toMatch(/try again/);
    expect(calls.count).toBe(1);
  });

  it("retries once after Retry-After, then throws the second answer", async () => {
    const { client, calls } = counted({ maxRetries: 1, maxDelayMs: 10_000 });
    const started = Date.now();
    await failure(client.characters.createNow(character), ServiceUnavailableError);
    expect(calls.count).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
  }, 30_000);
});
