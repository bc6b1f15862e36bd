import type { ErrorData, FieldError } from "./types.js";

/** What kind of failure an {@link ApiError} is: one word per HTTP status genqueue answers. */
export type ApiErrorCode =
  | "bad_request"
  | "unauthorized"
  | "insufficient_credits"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "validation_failed"
  | "rate_limited"
  | "provider_refused"
  | "unavailable"
  | "timeout"
  | "server_error"
  | "http_error";

/** The error envelope genqueue answers with `success: false` (or whatever body came). */
export interface ErrorBody {
  success?: boolean;
  statusCode?: number;
  message?: string;
  error?: string;
  data?: ErrorData | null;
}

const CODES: Record<number, ApiErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  402: "insufficient_credits",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  422: "validation_failed",
  429: "rate_limited",
  502: "provider_refused",
  503: "unavailable",
  504: "timeout",
};

/** The code of an HTTP status: the table above, else `server_error` (5xx) or `http_error`. */
export function codeOf(status: number): ApiErrorCode {
  return CODES[status] ?? (status >= 500 ? "server_error" : "http_error");
}

/** An answer of genqueue with a status of 400 or more; `code` tells the kind apart,
 * and each status genqueue uses has its own subclass for `instanceof`. */
export class ApiError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** A word for the status (see {@link ApiErrorCode}). */
  readonly code: ApiErrorCode;
  /** Seconds the server asked to wait (`Retry-After`, or `data.retryAfter`), if it said. */
  readonly retryAfter: number | undefined;
  /** The parsed body (the error envelope), or the text when it was not JSON. */
  readonly body: ErrorBody | string | undefined;
  /** The request that failed, as `METHOD path`. */
  readonly request: string;

  constructor(
    status: number,
    message: string,
    options: { body?: ErrorBody | string; retryAfter?: number; request?: string } = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = codeOf(status);
    this.body = options.body;
    this.retryAfter = options.retryAfter;
    this.request = options.request ?? "";
  }

  /** `data` of the error envelope (balance and cost, field errors, a job's state …). */
  get data(): ErrorData | undefined {
    return typeof this.body === "object" ? (this.body.data ?? undefined) : undefined;
  }
}

/** 400: the body is not valid JSON, or a request the route cannot take. */
export class BadRequestError extends ApiError {}
/** 401: no token, or a bad or expired one. */
export class UnauthorizedError extends ApiError {}
/** 402: the caller's balance is below the job's cost (`balance`, `cost`). */
export class InsufficientCreditsError extends ApiError {
  /** The balance when it was refused. */
  get balance(): number | undefined {
    return this.data?.balance ?? undefined;
  }
  /** What the job costs. */
  get cost(): number | undefined {
    return this.data?.cost ?? undefined;
  }
}
/** 403: the token is good but may not do this (an admin route, another user's jobs). */
export class ForbiddenError extends ApiError {}
/** 404: no such job, character, story, queue or asset (or not the caller's). */
export class NotFoundError extends ApiError {}
/** 409: the job's state does not allow it (`state`), e.g. cancelling a finished job. */
export class ConflictError extends ApiError {
  /** The job's state that refused the transition. */
  get state(): string | undefined {
    return this.data?.state ?? undefined;
  }
}
/** 413: the request body is over the server's limit. */
export class PayloadTooLargeError extends ApiError {}
/** 422: a field is invalid (`fieldErrors`), an unknown job type, an idempotency key reused. */
export class ValidationError extends ApiError {
  /** Where each bad value is and why. */
  get fieldErrors(): FieldError[] {
    return this.data?.errors ?? [];
  }
}
/** 429: too many requests; `retryAfter` says when to try again. */
export class RateLimitError extends ApiError {}
/** 503 (and other 5xx): the store or a provider is unavailable, or an unexpected error. */
export class ServerError extends ApiError {}
/** 503: the store or a provider is unavailable for now; `retryAfter` says when to retry. */
export class ServiceUnavailableError extends ServerError {}

/** The request took longer than its `timeoutMs` (no answer came). */
export class RequestTimeoutError extends Error {
  /** The request, as `METHOD path`. */
  readonly request: string;
  /** The timeout that passed. */
  readonly timeoutMs: number;

  constructor(request: string, timeoutMs: number) {
    super(`${request} got no answer within ${timeoutMs} ms`);
    this.name = "RequestTimeoutError";
    this.request = request;
    this.timeoutMs = timeoutMs;
  }
}

const CLASSES: Record<number, typeof ApiError> = {
  400: BadRequestError,
  401: UnauthorizedError,
  402: InsufficientCreditsError,
  403: ForbiddenError,
  404: NotFoundError,
  409: ConflictError,
  413: PayloadTooLargeError,
  422: ValidationError,
  429: RateLimitError,
  503: ServiceUnavailableError,
};

/** The {@link ApiError} subclass for a status, built from the answer's body. */
export function apiError(
  status: number,
  body: ErrorBody | string | undefined,
  retryAfter: number | undefined,
  request: string,
): ApiError {
  const kind = CLASSES[status] ?? (status >= 500 ? ServerError : ApiError);
  const message =
    typeof body === "object" && typeof body.message === "string" && body.message !== ""
      ? body.message
      : typeof body === "string" && body !== ""
        ? body.slice(0, 500)
        : `HTTP ${status}`;
  const after = retryAfter ?? (typeof body === "object" ? (body.data?.retryAfter ?? undefined) : undefined);
  return new kind(status, message, { body, retryAfter: after, request });
}

/** The request never got an answer: the network refused it (fetch's `TypeError`: no
 * server listening, DNS, CORS, a dropped connection). `cause` is fetch's error. */
export class NetworkError extends Error {
  /** The request, as `METHOD path`. */
  readonly request: string;

  constructor(request: string, cause: unknown) {
    super(`${request} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "NetworkError";
    this.request = request;
  }
}

/** A 2xx answer whose body is not the JSON the route promises (a proxy's HTML page, a
 * truncated body). `body` holds the start of the text. */
export class UnexpectedResponseError extends Error {
  /** The request, as `METHOD path`. */
  readonly request: string;
  /** The HTTP status (2xx). */
  readonly status: number;
  /** The first 500 characters of the body. */
  readonly body: string;

  constructor(request: string, status: number, body: string, cause?: unknown) {
    super(`${request} answered ${status} with a body that is not JSON`, { cause });
    this.name = "UnexpectedResponseError";
    this.request = request;
    this.status = status;
    this.body = body.slice(0, 500);
  }
}

/** A job's event stream dropped more times in a row than `maxReconnects` allows (or
 * went silent past its idle timeout each time); `cause` is the last drop's error. */
export class StreamExhaustedError extends Error {
  /** The job followed. */
  readonly jobId: string;
  /** Failed connections in a row. */
  readonly attempts: number;
  /** The last event id received: a later stream resumes from it. */
  readonly lastEventId: string | undefined;

  constructor(jobId: string, attempts: number, lastEventId: string | undefined, cause: unknown) {
    super(`the event stream of job ${jobId} dropped ${attempts} times in a row`, { cause });
    this.name = "StreamExhaustedError";
    this.jobId = jobId;
    this.attempts = attempts;
    this.lastEventId = lastEventId;
  }
}

/** A line for a person from anything thrown: an `Error`'s message, else the value as text. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  return String(error);
}

/** `error` as an `Error` (null and undefined stay null). */
export function toError(error: unknown): Error | null {
  if (error === null || error === undefined) return null;
  return error instanceof Error ? error : new Error(String(error));
}
