/** The API's types, named after genqueue's OpenAPI schemas (src/generated/openapi.ts). */
import type { components } from "./generated/openapi.js";

type Schemas = components["schemas"];

/** Every schema of the OpenAPI document, by name. */
export type { components, operations, paths } from "./generated/openapi.js";

// -- the generic API ----------------------------------------------------------------
/** `POST /api/v1/jobs`'s body. */
export type SubmitJob = Schemas["SubmitJob"];
/** What a submit answers: the job id, its status and whether it was new. */
export type Submitted = Schemas["Submitted"];
/** A whole job as `GET /api/v1/jobs/{jobId}` answers it. */
export type JobView = Schemas["JobView"];
/** A job's progress: percentage, current/total, currentTask. */
export type ProgressView = Schemas["ProgressView"];
/** The pagination beside a list. */
export type Pagination = Schemas["Pagination"];
/** Seed 002's status shape (`/api/v1/jobs/{jobId}/status`). */
export type JobStatus = Schemas["JobStatus"];
/** A user's credit balance. */
export type Credits = Schemas["Credits"];
/** Credits to add (or take, negative) by an admin. */
export type CreditChange = Schemas["CreditChange"];
/** A queue: counts per state, paused, limits. */
export type QueueView = Schemas["QueueView"];
/** A queue after pause or resume. */
export type QueuePaused = Schemas["QueuePaused"];
/** How many failed jobs of a queue were retried. */
export type QueueRetried = Schemas["QueueRetried"];
/** `POST /api/v1/queues/{name}/clean`'s body. */
export type CleanQueue = Schemas["CleanQueue"];
/** How many finished jobs a clean removed. */
export type QueueCleaned = Schemas["QueueCleaned"];
/** How many waiting jobs an empty cancelled. */
export type QueueEmptied = Schemas["QueueEmptied"];
/** `/ready`'s answer. */
export type Health = Schemas["Health"];

// -- the admin API --------------------------------------------------------------------
/** A page of the admin job search. */
export type AdminJobPage = Schemas["AdminJobPage"];
/** A job with its attempts and last stack trace. */
export type AdminJobDetail = Schemas["AdminJobDetail"];
/** A deleted job's id. */
export type JobDeleted = Schemas["JobDeleted"];
/** A registered worker. */
export type WorkerView = Schemas["WorkerView"];
/** Queue health, throughput, durations and depth. */
export type AdminStats = Schemas["AdminStats"];

// -- seeds 000/001: characters and media -------------------------------------------------
/** A pose of the catalogue. */
export type PoseView = Schemas["PoseView"];
/** A character to create. */
export type CharacterData = Schemas["CharacterData"];
/** A character in a list. */
export type CharacterView = Schemas["CharacterView"];
/** A character with its images and videos. */
export type CharacterDetail = Schemas["CharacterDetail"];
/** An image or a video of a character. */
export type MediaView = Schemas["MediaView"];
/** What a queue route answers: the job id and where to poll it. */
export type Queued = Schemas["Queued"];
/** Options of an image of a character. */
export type ImageOptions = Schemas["ImageOptions"];
/** Options of a video made from a character's image. */
export type VideoOptions = Schemas["VideoOptions"];
/** A character job's status. */
export type CharacterJobView = Schemas["CharacterJobView"];
/** A finished character job's result. */
export type CharacterJobResult = Schemas["CharacterJobResult"];
/** An image or video job's status. */
export type MediaJobView = Schemas["MediaJobView"];
/** A finished media job's result. */
export type MediaJobResult = Schemas["MediaJobResult"];
/** The pagination of the seed lists. */
export type SeedPagination = Schemas["SeedPagination"];

// -- seed 002: 360° sets --------------------------------------------------------------
/** Options of a 360° set. */
export type SetOptions = Schemas["SetOptions"];
/** Options of the core set (the old synchronous route). */
export type CoreSetOptions = Schemas["CoreSetOptions"];
/** What starting a set answers (202). */
export type Accepted = Schemas["Accepted"];

// -- seed 003: stories ------------------------------------------------------------------
/** A story to write. */
export type StoryRequest = Schemas["StoryRequest"];
/** What queueing a story answers. */
export type StoryQueued = Schemas["StoryQueued"];
/** A story job's status. */
export type StoryJobStatus = Schemas["StoryJobStatus"];
/** A finished story job's result. */
export type StoryResult = Schemas["StoryResult"];
/** A finished story. */
export type StoryView = Schemas["StoryView"];

// -- seed 004: snap2story ---------------------------------------------------------------
/** An image to generate (optionally from an uploaded photo, base64). */
export type GenerateImage = Schemas["GenerateImage"];
/** What queueing an image answers. */
export type ImageQueued = Schemas["ImageQueued"];
/** An image job's status and progress. */
export type ImageJobStatus = Schemas["ImageJobStatus"];
/** A finished image: its URL, asset key, size. */
export type ImageResult = Schemas["ImageResult"];
/** The snap2story queue's counts. */
export type QueueStats = Schemas["QueueStats"];
/** Store reachability and live workers. */
export type ServiceHealth = Schemas["ServiceHealth"];

// -- errors --------------------------------------------------------------------------------
/** Details of an error (field errors, balance and cost, a job's state, retryAfter). */
export type ErrorData = Schemas["ErrorData"];
/** One invalid field of a 422. */
export type FieldError = Schemas["FieldError"];

/** A job's engine state; a final one does not change any more (unless retried). */
export type JobState = "pending" | "delayed" | "active" | "completed" | "failed" | "cancelled";
/** The states a job ends in. Every route says them with the same words: the generic API,
 * seeds 001–004's status routes, the SSE event kinds and Socket.IO's `status` field
 * (the words for a waiting or running job differ per route: queued, pending, processing,
 * active …; the final ones do not). */
export const FINAL_STATES: readonly FinalState[] = ["completed", "failed", "cancelled"];
/** A state a job ends in. */
export type FinalState = "completed" | "failed" | "cancelled";

/** True for a status word (of any route, or an SSE event kind) a job ends with. */
export function isFinalStatus(status: string | null | undefined): boolean {
  return FINAL_STATES.includes(status as FinalState);
}

/** A list route's items with their pagination. */
export interface Page<T, P = Pagination> {
  items: T[];
  pagination: P;
}
