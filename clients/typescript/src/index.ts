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
  NotFoundError,
  PayloadTooLargeError,
  RateLimitError,
  RequestTimeoutError,
  ServerError,
  ServiceUnavailableError,
  UnauthorizedError,
  ValidationError,
  apiError,
  codeOf,
} from "./errors.js";
export type { ApiErrorCode, ErrorBody } from "./errors.js";
export { HttpClient, parseRetryAfter } from "./http.js";
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
export { GenqueueSocket, splitBaseUrl } from "./socket.js";
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
  SocketErrorPayload,
  SocketJobStatus,
  SubscribeAck,
} from "./socket.js";
export { FINAL_STATES } from "./types.js";
export type * from "./types.js";
