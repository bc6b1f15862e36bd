import {
  type ErrorBody,
  NetworkError,
  RequestTimeoutError,
  UnexpectedResponseError,
  apiError,
} from "./errors.js";

/** A bearer token, or a function asked before every request (a token that gets renewed). */
export type TokenSource = string | (() => string | undefined);

/** How answers 429 and 503 with `Retry-After` are retried. */
export interface RetryOptions {
  /** Retries after the first attempt (default 2; 0 turns retrying off). */
  maxRetries?: number;
  /** A `Retry-After` longer than this is not waited for: the error is thrown (default 30000). */
  maxDelayMs?: number;
}

/** Options of a {@link GenqueueClient} (and of the {@link HttpClient} under it). */
export interface ClientOptions {
  /** Where genqueue is served, e.g. `http://127.0.0.1:8000`; default "" (the page's origin). */
  baseUrl?: string;
  /** The bearer token sent as `Authorization: Bearer <token>`. */
  token?: TokenSource;
  /** The fetch to use (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /** Time for an answer's headers, per attempt (default 30000; 0 = none). */
  timeoutMs?: number;
  /** Retrying of 429 and 503 answers (see {@link RetryOptions}). */
  retry?: RetryOptions;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

/** Options of one request. */
export interface RequestOptions {
  /** Aborts the request (and any wait before a retry). */
  signal?: AbortSignal;
  /** This request's timeout, instead of the client's. */
  timeoutMs?: number;
  /** Sent as `Idempotency-Key` (submit routes): the same key and body give the first job. */
  idempotencyKey?: string;
  /** This request's retries, instead of the client's. */
  maxRetries?: number;
}

/** Query parameters; undefined values are left out. */
export type Query = Record<string, string | number | boolean | undefined | null>;

interface Call {
  method: "GET" | "POST" | "DELETE";
  path: string;
  query?: Query | undefined;
  body?: unknown;
  headers?: Record<string, string> | undefined;
  options?: RequestOptions | undefined;
  /** The body is read after `send` returns: the caller's signal must still abort it. */
  stream?: boolean;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 2;
const DEFAULT_MAX_DELAY_MS = 30_000;
const RETRY_WITHOUT_HEADER_MS = 1_000;

/** The bare HTTP layer: base URL, token, timeouts, `Retry-After` and errors as
 * {@link ApiError}s. {@link GenqueueClient} builds every route on it. */
export class HttpClient {
  /** The base URL without a trailing slash. */
  readonly baseUrl: string;
  private readonly token: TokenSource | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxDelayMs: number;
  private readonly headers: Record<string, string>;

  constructor(options: ClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? "").replace(/\/+$/, "");
    this.token = options.token;
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxRetries = options.retry?.maxRetries ?? DEFAULT_RETRIES;
    this.maxDelayMs = options.retry?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
    this.headers = { ...options.headers };
  }

  /** The token now (calls a token function). */
  currentToken(): string | undefined {
    return typeof this.token === "function" ? this.token() : this.token;
  }

  /** An absolute (or page-relative) URL of a path, with a query. */
  url(path: string, query?: Query): string {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) search.append(name, String(value));
    }
    const text = search.toString();
    return `${this.baseUrl}${path}${text ? `?${text}` : ""}`;
  }

  /** Sends a request and answers the parsed JSON body; throws an {@link ApiError}
   * for a status of 400 or more, after retrying 429/503 as `Retry-After` asks. */
  async json<T>(call: Call): Promise<T> {
    const response = await this.send(call);
    const text = await response.text();
    if (text === "") return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new UnexpectedResponseError(`${call.method} ${call.path}`, response.status, text, error);
    }
  }

  /** Sends a request and answers the response once its status is below 400 (the body
   * unread: a stream). The timeout covers the headers only. */
  async send(call: Call): Promise<Response> {
    const retries = call.options?.maxRetries ?? this.maxRetries;
    const label = `${call.method} ${call.path}`;
    for (let attempt = 0; ; attempt++) {
      const response = await this.attempt(call, label);
      if (response.ok) return response;
      const retryAfter = parseRetryAfter(response.headers.get("Retry-After"));
      const body = await readErrorBody(response);
      const error = apiError(response.status, body, retryAfter, label);
      const delay = (error.retryAfter ?? RETRY_WITHOUT_HEADER_MS / 1000) * 1000;
      const retryable = response.status === 429 || response.status === 503;
      if (!retryable || attempt >= retries || delay > this.maxDelayMs) throw error;
      await sleep(delay, call.options?.signal);
    }
  }

  private async attempt(call: Call, label: string): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json", ...this.headers };
    const token = this.currentToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (call.options?.idempotencyKey) headers["Idempotency-Key"] = call.options.idempotencyKey;
    Object.assign(headers, call.headers);
    let body: string | undefined;
    if (call.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(call.body);
    }
    const timeoutMs = call.options?.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    const outer = call.options?.signal;
    const onAbort = (): void => controller.abort(outer?.reason);
    outer?.throwIfAborted();
    outer?.addEventListener("abort", onAbort, { once: true });
    let timedOut = false;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, timeoutMs)
        : undefined;
    let linked = false;
    try {
      const init: RequestInit = { method: call.method, headers, signal: controller.signal };
      if (body !== undefined) init.body = body;
      const response = await this.fetchImpl(this.url(call.path, call.query), init);
      linked = call.stream === true && response.ok && response.body !== null;
      if (!linked) return response;
      // the caller's signal still aborts the body: let go of it once the body is done
      return whenBodyEnds(response, () => outer?.removeEventListener("abort", onAbort));
    } catch (error) {
      if (timedOut) throw new RequestTimeoutError(label, timeoutMs);
      if (error instanceof TypeError && !controller.signal.aborted) throw new NetworkError(label, error);
      throw error;
    } finally {
      clearTimeout(timer);
      if (!linked) outer?.removeEventListener("abort", onAbort);
    }
  }
}

/** Seconds of a `Retry-After` header: a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(seconds, 0);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max((at - Date.now()) / 1000, 0);
}

/** The response with a body that calls `done` once it is read to its end, fails or is
 * cancelled. */
function whenBodyEnds(response: Response, done: () => void): Response {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let ended = false;
  const end = (): void => {
    if (!ended) {
      ended = true;
      done();
    }
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done: finished } = await reader.read();
        if (finished) {
          end();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        end();
        controller.error(error);
      }
    },
    cancel(reason) {
      end();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

async function readErrorBody(response: Response): Promise<ErrorBody | string | undefined> {
  const text = await response.text().catch(() => "");
  if (text === "") return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? (parsed as ErrorBody) : text;
  } catch {
    return text;
  }
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first (the only sleep
 * of the package: a caller that must not throw checks `signal.aborted` after a catch). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
