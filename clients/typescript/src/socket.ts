import { type ManagerOptions, type Socket, type SocketOptions, io } from "socket.io-client";
import type { TokenSource } from "./http.js";
import { errorMessage } from "./errors.js";
import { RecentSet } from "./recent.js";
import { isFinalStatus } from "./types.js";

/** Seed 004's status words in Socket.IO payloads. */
export type SocketJobStatus = "queued" | "processing" | "completed" | "failed" | "cancelled";

/** Fields every job payload carries: `eventId` is the feed id to resume after. */
export interface JobEventBase {
  jobId: string;
  eventId: string;
  type: string;
  status: SocketJobStatus;
  at: string | null;
  /** True on the job as read at subscribe time (sent instead of a replay). */
  snapshot?: boolean;
}
/** `job_status`: created, active, retrying, stalled (`event` says which). */
export interface JobStatusPayload extends JobEventBase {
  event: string;
  [field: string]: unknown;
}
/** `job_progress`: a percentage and the current task as `message`. */
export interface JobProgressPayload extends JobEventBase {
  progress: number;
  message: string;
  current: number | null;
  total: number | null;
}
/** `job_partial`: one partial result (a 360° shot as it finishes). */
export interface JobPartialPayload extends JobEventBase {
  item: unknown;
}
/** `job_completed`: the result, with its `imageUrl` lifted beside it (seed 004). */
export interface JobCompletedPayload extends JobEventBase {
  result: unknown;
  imageUrl: string | null;
}
/** `job_failed`: failed, or cancelled (`status: "cancelled"`); the reason in `error`. */
export interface JobFailedPayload extends JobEventBase {
  error: string;
  attemptsMade?: number | null;
}
/** `connection_confirmed`: who the server took the token for. */
export interface ConnectionConfirmed {
  socketId: string;
  userId: string;
  admin: boolean;
  expiresAt: string | null;
  message: string;
}
/** `error`: a refused subscription (`code: "refused"`) or an expired token. */
export interface SocketErrorPayload {
  message: string;
  code: string;
  jobId?: string;
}

/** Every job payload by its event name. */
export interface JobEventMap {
  job_status: JobStatusPayload;
  job_progress: JobProgressPayload;
  job_partial: JobPartialPayload;
  job_completed: JobCompletedPayload;
  job_failed: JobFailedPayload;
}
/** A job event's name. */
export type JobEventName = keyof JobEventMap;
/** Any job event with its name. */
export type AnyJobEvent = { [K in JobEventName]: { name: K; payload: JobEventMap[K] } }[JobEventName];

/** Callbacks of a job subscription; each event reaches them once, in order. */
export interface JobHandlers {
  onStatus?: (payload: JobStatusPayload) => void;
  onProgress?: (payload: JobProgressPayload) => void;
  onPartial?: (payload: JobPartialPayload) => void;
  onCompleted?: (payload: JobCompletedPayload) => void;
  onFailed?: (payload: JobFailedPayload) => void;
  /** Every event, before its own callback. */
  onEvent?: (event: AnyJobEvent) => void;
  /** The server refused the subscription (unknown job, bad lastEventId). */
  onError?: (error: SocketErrorPayload) => void;
}

/** What the server answers to a subscribe. */
export interface SubscribeAck {
  ok: boolean;
  jobId?: string;
  room?: string;
  error?: string;
}

/** A live subscription. */
export interface JobSubscription {
  /** The job, or undefined for {@link GenqueueSocket.subscribeToMyJobs}. */
  readonly jobId: string | undefined;
  /** The id of the last event delivered: resume from it (a later subscribe, or SSE). */
  readonly lastEventId: string | undefined;
  /** True once a final event (completed, failed or cancelled) was delivered. */
  readonly ended: boolean;
  /** Settles with the server's answer to the (first) subscribe. */
  readonly ready: Promise<SubscribeAck>;
  /** Stops the callbacks and leaves the job's room. */
  unsubscribe(): void;
}

/** Options of a {@link GenqueueSocket}. */
export interface GenqueueSocketOptions {
  /** Where genqueue is served; default "" (the page's origin). */
  baseUrl?: string;
  /** The token sent as `auth: {token}` (a function is asked at every (re)connection). */
  token?: TokenSource;
  /** Transports in order: `["websocket"]` for websocket only; default polling, then upgrade. */
  transports?: ("polling" | "websocket")[];
  /** How soon the connection is made again after the server ended it (see
   * {@link ReconnectPolicy}); socket.io-client's own reconnection covers network drops. */
  reconnect?: Partial<ReconnectPolicy>;
  /** Anything else for socket.io-client's `io()`. */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

/** Waits before connecting again after a server's disconnect: `initialMs` doubled per
 * disconnect in a row up to `maxMs`, each wait between half of it and all of it (jitter,
 * so clients dropped together do not come back together); a connection that stayed up
 * `stableMs` starts the count again. */
export interface ReconnectPolicy {
  /** The first wait (default 500 ms). */
  initialMs: number;
  /** The longest wait (default 30 000 ms). */
  maxMs: number;
  /** A connection up this long resets the backoff (default 10 000 ms). */
  stableMs: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = Object.freeze({
  initialMs: 500,
  maxMs: 30_000,
  stableMs: 10_000,
});

/** The wait before reconnection number `attempt` (from 0) under `policy`; `random` is a
 * number in [0, 1). */
export function reconnectDelay(attempt: number, policy: ReconnectPolicy, random = Math.random()): number {
  const nominal = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(nominal / 2 + (nominal / 2) * random);
}

/** The origin of a base URL ("" for a page-relative one) and its path without the
 * trailing slash, under which genqueue serves `/socket.io/`. */
export function splitBaseUrl(baseUrl: string): { origin: string; prefix: string } {
  const trimmed = baseUrl.replace(/\/+$/, "");
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return { origin: "", prefix: trimmed };
  const url = new URL(trimmed);
  return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, "") };
}

const JOB_EVENTS: readonly JobEventName[] = [
  "job_status",
  "job_progress",
  "job_partial",
  "job_completed",
  "job_failed",
];
const ACK_TIMEOUT_MS = 10_000;

class Subscription implements JobSubscription {
  lastEventId: string | undefined;
  ended = false;
  active = true;
  ready: Promise<SubscribeAck>;
  settle: (ack: SubscribeAck) => void = () => undefined;
  private readonly seen = new RecentSet();

  constructor(
    readonly jobId: string | undefined,
    readonly handlers: JobHandlers,
    lastEventId: string | undefined,
    private readonly onUnsubscribe: (subscription: Subscription) => void,
  ) {
    this.lastEventId = lastEventId;
    this.ready = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  deliver(event: AnyJobEvent): void {
    if (!this.active) return;
    if (this.seen.seenBefore(`${event.payload.jobId}:${event.name}:${event.payload.eventId}`)) return;
    if (this.jobId !== undefined) {
      if (this.ended) return;
      this.lastEventId = event.payload.eventId;
      if (isFinalStatus(event.payload.status)) this.ended = true;
    }
    const { handlers } = this;
    handlers.onEvent?.(event);
    switch (event.name) {
      case "job_status":
        handlers.onStatus?.(event.payload);
        break;
      case "job_progress":
        handlers.onProgress?.(event.payload);
        break;
      case "job_partial":
        handlers.onPartial?.(event.payload);
        break;
      case "job_completed":
        handlers.onCompleted?.(event.payload);
        break;
      case "job_failed":
        handlers.onFailed?.(event.payload);
        break;
    }
  }

  unsubscribe(): void {
    if (!this.active) return;
    this.active = false;
    this.onUnsubscribe(this);
  }
}

/** genqueue's Socket.IO channel (`/socket.io/`, `socket.io-client` 4): job
 * subscriptions that resume after a reconnection with the last event id they got, so
 * nothing is missed and nothing is delivered twice. */
export class GenqueueSocket {
  /** The socket.io-client socket underneath. */
  readonly socket: Socket;
  /** The last `connection_confirmed`, once the server sent it. */
  confirmed: ConnectionConfirmed | undefined;
  private readonly jobs = new Map<string, Set<Subscription>>();
  private readonly mine = new Set<Subscription>();
  private readonly tokenIsFunction: boolean;
  private closed = false;
  private lastErrorCode: string | undefined;
  private readonly reconnectPolicy: ReconnectPolicy;
  /** Server disconnects in a row (a connection up `stableMs` resets it). */
  private serverDrops = 0;
  private connectedAt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly confirmations = new Set<(confirmed: ConnectionConfirmed) => void>();

  constructor(options: GenqueueSocketOptions = {}) {
    const token = options.token;
    this.tokenIsFunction = typeof token === "function";
    const { origin, prefix } = splitBaseUrl(options.baseUrl ?? "");
    const settings: Partial<ManagerOptions & SocketOptions> = {
      path: `${prefix}/socket.io/`,
      transports: options.transports ?? ["polling", "websocket"],
      auth: (send: (data: object) => void) =>
        send({ token: typeof token === "function" ? token() : token }),
      reconnectionDelay: 250,
      reconnectionDelayMax: 2_000,
      ...options.socketOptions,
    };
    // the URL given to io() names the namespace by its path: only the origin goes there
    this.socket = origin === "" ? io(settings) : io(origin, settings);
    this.reconnectPolicy = { ...DEFAULT_RECONNECT_POLICY, ...options.reconnect };
    this.socket.on("connect", () => {
      this.connectedAt = Date.now();
      this.resubscribe();
    });
    this.socket.on("connection_confirmed", (confirmed: ConnectionConfirmed) => {
      this.confirmed = confirmed;
      for (const waiter of this.confirmations) waiter(confirmed);
      this.confirmations.clear();
    });
    this.socket.on("error", (error: SocketErrorPayload) => this.serverError(error));
    this.socket.on("disconnect", (reason) => {
      // The server disconnects a client that fell behind or whose token expired; the
      // first resumes at once, the second only with a token function to ask again.
      if (reason !== "io server disconnect" || this.closed) return;
      if (this.lastErrorCode === "token_expired" && !this.tokenIsFunction) return;
      if (Date.now() - this.connectedAt >= this.reconnectPolicy.stableMs) this.serverDrops = 0;
      const wait = reconnectDelay(this.serverDrops++, this.reconnectPolicy);
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = setTimeout(() => {
        if (!this.closed) this.socket.connect();
      }, wait);
    });
    for (const name of JOB_EVENTS) {
      this.socket.on(name, (payload: JobEventMap[typeof name]) =>
        this.route({ name, payload } as AnyJobEvent),
      );
    }
  }

  /** True while connected. */
  get connected(): boolean {
    return this.socket.connected;
  }

  /** Settles with `connection_confirmed` (at once when it came already); rejects on a
   * refused connection (a bad token: `connect_error`). */
  ready(): Promise<ConnectionConfirmed> {
    if (this.confirmed !== undefined && this.socket.connected) {
      return Promise.resolve(this.confirmed);
    }
    return new Promise((resolve, reject) => {
      const fail = (error: Error): void => {
        this.confirmations.delete(done);
        reject(error);
      };
      const done = (confirmed: ConnectionConfirmed): void => {
        this.socket.off("connect_error", fail);
        resolve(confirmed);
      };
      this.confirmations.add(done);
      this.socket.once("connect_error", fail);
    });
  }

  /** Follows one job: a snapshot of it first (or, given `lastEventId`, the events after
   * that one), then its events live until the final one. */
  subscribeToJob(jobId: string, handlers: JobHandlers, lastEventId?: string): JobSubscription {
    const subscription = new Subscription(jobId, handlers, lastEventId, (s) => this.drop(s));
    let group = this.jobs.get(jobId);
    if (group === undefined) {
      group = new Set();
      this.jobs.set(jobId, group);
    }
    group.add(subscription);
    if (this.socket.connected) this.sendSubscribe(subscription);
    return subscription;
  }

  /** Follows every job of the token's user (live events only: no replay). */
  subscribeToMyJobs(handlers: JobHandlers): JobSubscription {
    const subscription = new Subscription(undefined, handlers, undefined, (s) => this.drop(s));
    this.mine.add(subscription);
    if (this.socket.connected) this.sendMine(subscription);
    return subscription;
  }

  /** The server's clock, as `{timestamp}` in ms. */
  async ping(): Promise<{ timestamp: number }> {
    return (await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck("ping")) as {
      timestamp: number;
    };
  }

  /** Disconnects for good: every subscription stops. */
  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    for (const group of this.jobs.values()) for (const s of group) s.active = false;
    for (const s of this.mine) s.active = false;
    this.jobs.clear();
    this.mine.clear();
    this.socket.disconnect();
  }

  private resubscribe(): void {
    this.lastErrorCode = undefined;
    for (const group of this.jobs.values()) {
      for (const subscription of group) if (!subscription.ended) this.sendSubscribe(subscription);
    }
    for (const subscription of this.mine) this.sendMine(subscription);
  }

  private sendSubscribe(subscription: Subscription): void {
    const payload: { jobId: string; lastEventId?: string } = { jobId: subscription.jobId ?? "" };
    if (subscription.lastEventId !== undefined) payload.lastEventId = subscription.lastEventId;
    this.socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck("subscribe_to_job", payload)
      .then(
        (ack: SubscribeAck) => subscription.settle(ack),
        (error: unknown) => subscription.settle({ ok: false, error: errorMessage(error) }),
      );
  }

  private sendMine(subscription: Subscription): void {
    this.socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck("subscribe_to_my_jobs")
      .then(
        (ack: SubscribeAck) => subscription.settle(ack),
        (error: unknown) => subscription.settle({ ok: false, error: errorMessage(error) }),
      );
  }

  private route(event: AnyJobEvent): void {
    const group = this.jobs.get(event.payload.jobId);
    if (group !== undefined) {
      for (const subscription of group) subscription.deliver(event);
      if ([...group].every((s) => s.ended)) {
        this.jobs.delete(event.payload.jobId);
        this.socket.emit("unsubscribe_from_job", { jobId: event.payload.jobId });
      }
    }
    for (const subscription of this.mine) subscription.deliver(event);
  }

  private serverError(error: SocketErrorPayload): void {
    this.lastErrorCode = error.code;
    if (error.jobId === undefined) return;
    for (const subscription of this.jobs.get(error.jobId) ?? []) {
      subscription.handlers.onError?.(error);
    }
  }

  private drop(subscription: Subscription): void {
    if (subscription.jobId === undefined) {
      this.mine.delete(subscription);
      if (this.mine.size === 0 && this.socket.connected) {
        this.socket.emit("unsubscribe_from_my_jobs");
      }
      return;
    }
    const group = this.jobs.get(subscription.jobId);
    group?.delete(subscription);
    if (group !== undefined && group.size === 0) {
      this.jobs.delete(subscription.jobId);
      if (this.socket.connected) {
        this.socket.emit("unsubscribe_from_job", { jobId: subscription.jobId });
      }
    }
  }
}
