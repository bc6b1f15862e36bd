import { ApiError, StreamExhaustedError } from "./errors.js";
import { type HttpClient, sleep } from "./http.js";
import { RecentSet } from "./recent.js";
import { FINAL_STATES, type JobView, isFinalStatus } from "./types.js";

/** What a job's SSE stream sends: a snapshot first (on a fresh connection), then the
 * feed's events; it ends after completed, failed or cancelled. */
export type JobEventKind =
  | "snapshot"
  | "created"
  | "active"
  | "progress"
  | "partial"
  | "retrying"
  | "stalled"
  | "completed"
  | "failed"
  | "cancelled";

/** The events a job ends with: the final states' words ({@link FINAL_STATES}). */
export const FINAL_EVENTS: readonly JobEventKind[] = FINAL_STATES;

/** The data of a feed event: the job, its type, when (Unix seconds), and the event's own
 * fields (progress: percentage/current/total/currentTask; partial: item; completed:
 * result; failed: reason, attemptsMade). */
export interface FeedEventData {
  jobId: string;
  type: string;
  at: number;
  percentage?: number;
  current?: number | null;
  total?: number | null;
  currentTask?: string | null;
  item?: unknown;
  result?: unknown;
  reason?: string | null;
  attemptsMade?: number;
  [field: string]: unknown;
}

/** One event of a job's stream. A snapshot (and the final event right after a snapshot
 * of a finished job) carries the whole job; the others a {@link FeedEventData}. */
export type JobStreamEvent =
  | { id: string; event: JobEventKind; snapshot: true; data: JobView }
  | { id: string; event: JobEventKind; snapshot: false; data: FeedEventData };

/** Options of {@link GenqueueClient.streamJob}. */
export interface StreamJobOptions {
  /** Called for every event, in order, each once (also across reconnects). */
  onEvent?: (event: JobStreamEvent) => void;
  /** Resume after this event id (an earlier stream's last one) instead of a snapshot. */
  lastEventId?: string;
  /** Ends the stream (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Reconnections after a dropped connection before giving up (default 5); the count
   * starts again after every event received. */
  maxReconnects?: number;
  /** Wait before reconnecting (default 250 ms, or the stream's `retry:`). */
  reconnectDelayMs?: number;
  /** Called when the connection dropped and is being made again. */
  onReconnect?: (attempt: number, lastEventId: string | undefined) => void;
  /** A connection that sends nothing (not even the `: heartbeat` the server writes every
   * 15 s) for this long is taken for dead (a half-open TCP connection) and made again,
   * resuming after the last event (default 45000; 0 = never). */
  idleTimeoutMs?: number;
}

/** How a job's stream ended. */
export interface StreamJobResult {
  /** The final event (completed, failed or cancelled). */
  final: JobStreamEvent;
  /** Its id: a later stream given it as `lastEventId` gets only what came after. */
  lastEventId: string;
  /** Connections made after the first one. */
  reconnects: number;
}

/** A raw Server-Sent Event. */
export interface SseMessage {
  id: string | undefined;
  event: string;
  data: string;
  retry: number | undefined;
}

/** Reads Server-Sent Events from a byte stream (the text/event-stream format: comments
 * and unknown fields ignored, CRLF/CR/LF line ends, `data` lines joined by LF). */
export async function* readSse(
  body: ReadableStream<Uint8Array>,
  onChunk?: () => void,
): AsyncGenerator<SseMessage, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let id: string | undefined;
  let event = "";
  let data: string[] = [];
  let retry: number | undefined;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      onChunk?.();
      buffer += decoder.decode(value, { stream: true });
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer);
        if (match === null) break;
        if (match[0] === "\r" && match.index === buffer.length - 1) break; // maybe \r\n split
        const line = buffer.slice(0, match.index);
        buffer = buffer.slice(match.index + match[0].length);
        if (line === "") {
          if (data.length > 0 || event !== "") {
            yield { id, event: event || "message", data: data.join("\n"), retry };
          }
          event = "";
          data = [];
          retry = undefined;
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? "" : line.slice(colon + 1);
        if (text.startsWith(" ")) text = text.slice(1);
        if (field === "data") data.push(text);
        else if (field === "event") event = text;
        else if (field === "id" && !text.includes("\0")) id = text;
        else if (field === "retry" && /^\d+$/.test(text)) retry = Number(text);
      }
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}

/** Follows a job over `GET /api/v1/jobs/{jobId}/events` until its final event, with
 * the bearer header (which EventSource cannot send), reconnecting with
 * `Last-Event-ID` after a dropped (or silent, see `idleTimeoutMs`) connection: each
 * event is seen once, none is missed. Rejects with a {@link StreamExhaustedError} after
 * `maxReconnects` failed connections in a row, an {@link ApiError} when the server
 * refuses the stream, or the signal's reason. */
export async function streamJob(
  http: HttpClient,
  jobId: string,
  options: StreamJobOptions = {},
): Promise<StreamJobResult> {
  const { signal, onEvent } = options;
  const maxReconnects = options.maxReconnects ?? 5;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  let delay = options.reconnectDelayMs ?? 250;
  let lastEventId = options.lastEventId;
  let snapshotId: string | undefined;
  let reconnects = 0;
  let failures = 0;
  const seen = new RecentSet();
  for (;;) {
    signal?.throwIfAborted();
    let dropped: unknown;
    const connection = new AbortController();
    const onAbort = (): void => connection.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    let idle: ReturnType<typeof setTimeout> | undefined;
    const stillThere = (): void => {
      clearTimeout(idle);
      if (idleTimeoutMs > 0) {
        idle = setTimeout(
          () => connection.abort(new Error(`the event stream sent nothing for ${idleTimeoutMs} ms`)),
          idleTimeoutMs,
        );
      }
    };
    try {
      const response = await http.send({
        method: "GET",
        path: `/api/v1/jobs/${encodeURIComponent(jobId)}/events`,
        headers: {
          Accept: "text/event-stream",
          ...(lastEventId ? { "Last-Event-ID": lastEventId } : {}),
        },
        options: { signal: connection.signal, timeoutMs: 30_000 },
        stream: true,
      });
      if (response.body === null) throw new Error("the event stream has no body");
      stillThere();
      for await (const message of readSse(response.body, stillThere)) {
        if (message.retry !== undefined) delay = message.retry;
        const event = toEvent(message, snapshotId);
        if (event === undefined) continue;
        if (event.event === "snapshot") snapshotId = event.id;
        if (seen.seenBefore(`${event.event}:${event.id}`)) continue;
        lastEventId = event.id;
        failures = 0;
        onEvent?.(event);
        if (isFinalStatus(event.event)) return { final: event, lastEventId, reconnects };
      }
      dropped = new Error("the event stream ended before the job's final event");
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof ApiError) throw error;
      dropped = connection.signal.aborted ? connection.signal.reason : error;
    } finally {
      clearTimeout(idle);
      signal?.removeEventListener("abort", onAbort);
      connection.abort();
    }
    failures++;
    if (failures > maxReconnects) throw new StreamExhaustedError(jobId, failures, lastEventId, dropped);
    reconnects++;
    options.onReconnect?.(reconnects, lastEventId);
    await sleep(delay, signal);
  }
}

const DEFAULT_IDLE_TIMEOUT_MS = 45_000;

function toEvent(message: SseMessage, snapshotId: string | undefined): JobStreamEvent | undefined {
  if (message.id === undefined || message.data === "") return undefined;
  const event = message.event as JobEventKind;
  const data: unknown = JSON.parse(message.data);
  if (event === "snapshot" || message.id === snapshotId) {
    return { id: message.id, event, snapshot: true, data: data as JobView };
  }
  return { id: message.id, event, snapshot: false, data: data as FeedEventData };
}
