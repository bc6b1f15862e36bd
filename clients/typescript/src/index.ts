/**
 * genqueue-client: a typed client of genqueue's HTTP API (the generic job routes and
 * every seed route), with a job's events over SSE and Socket.IO, resumable.
 *
 * React hooks and components are in `genqueue-client/react`.
 */
export {
  AdminRoutes,
  CharacterRoutes,
  GenqueueClient,
  Library360Routes,
  QueueRoutes,
  Snap2StoryRoutes,
  StoryRoutes,
} from "./client.js";
export type {
  AdminJobsQuery,
  CharacterJobsQuery,
  CharactersQuery,
  ListJobsQuery,
  MediaJobsQuery,
} from "./client.js";
export {
  ApiError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  InsufficientCreditsError,
  NetworkError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitError,
  RequestTimeoutError,
  ServerError,
  ServiceUnavailableError,
  StreamExhaustedError,
  UnauthorizedError,
  UnexpectedResponseError,
  ValidationError,
  apiError,
  codeOf,
  errorMessage,
  toError,
} from "./errors.js";
export type { ApiErrorCode, ErrorBody } from "./errors.js";
export { HttpClient, parseRetryAfter, sleep } from "./http.js";
export type { ClientOptions, Query, RequestOptions, RetryOptions, TokenSource } from "./http.js";
export { FINAL_EVENTS, readSse, streamJob } from "./sse.js";
export type {
  FeedEventData,
  JobEventKind,
  JobStreamEvent,
  SseMessage,
  StreamJobOptions,
  StreamJobResult,
} from "./sse.js";
export { DEFAULT_RECONNECT_POLICY, GenqueueSocket, reconnectDelay, splitBaseUrl } from "./socket.js";
export type {
  AnyJobEvent,
  ConnectionConfirmed,
  GenqueueSocketOptions,
  JobCompletedPayload,
  JobEventBase,
  JobEventMap,
  JobEventName,
  JobFailedPayload,
  JobHandlers,
  JobPartialPayload,
  JobProgressPayload,
  JobStatusPayload,
  JobSubscription,
  ReconnectPolicy,
  SocketErrorPayload,
  SocketJobStatus,
  SubscribeAck,
} from "./socket.js";
export { FINAL_STATES, isFinalStatus } from "./types.js";
export type * from "./types.js";
