import type { operations } from "./generated/openapi.js";
import { type ClientOptions, HttpClient, type Query, type RequestOptions } from "./http.js";
import { type GenqueueSocketOptions, GenqueueSocket } from "./socket.js";
import { type StreamJobOptions, type StreamJobResult, streamJob } from "./sse.js";
import type {
  Accepted,
  AdminJobDetail,
  AdminJobPage,
  AdminStats,
  CharacterData,
  CharacterDetail,
  CharacterJobView,
  CharacterView,
  CleanQueue,
  CoreSetOptions,
  CreditChange,
  Credits,
  GenerateImage,
  Health,
  ImageJobStatus,
  ImageOptions,
  ImageQueued,
  JobDeleted,
  JobStatus,
  JobView,
  MediaJobView,
  Page,
  Pagination,
  PoseView,
  QueueCleaned,
  QueueEmptied,
  QueuePaused,
  QueueRetried,
  QueueStats,
  QueueView,
  Queued,
  SeedPagination,
  ServiceHealth,
  SetOptions,
  StoryJobStatus,
  StoryQueued,
  StoryRequest,
  StoryView,
  SubmitJob,
  Submitted,
  VideoOptions,
  WorkerView,
} from "./types.js";

type QueryOf<K extends keyof operations> = operations[K]["parameters"] extends {
  query?: infer Q;
}
  ? NonNullable<Q>
  : never;

/** An operation of the generated OpenAPI document, by its operationId. */
type Op = keyof operations;
type JsonOf<R> = R extends { content: { "application/json": infer B } } ? B : never;
/** The JSON body of an operation's 2xx answers (a union when it has several: 200 | 202). */
type Answer<K extends Op> = OrUnknown<
  {
    [S in keyof operations[K]["responses"]]: S extends 200 | 201 | 202 ? JsonOf<operations[K]["responses"][S]> : never;
  }[keyof operations[K]["responses"]]
>;
/** `unknown` for a shape that is not there, so that the method's declared type fails to
 * match it (`never` would match anything). */
type OrUnknown<T> = [T] extends [never] ? unknown : T;
/** The `data` of an envelope answer. */
type DataOf<K extends Op> = Answer<K> extends { data: infer D } ? D : unknown;
/** An item of a list answer, and its pagination. */
type ItemOf<K extends Op> = DataOf<K> extends (infer T)[] ? T : unknown;
type PaginationOf<K extends Op> = Answer<K> extends { pagination: infer P } ? P : unknown;
/** The JSON request body an operation takes (never when it takes none). */
type BodyOf<K extends Op> = NonNullable<operations[K]["requestBody"]> extends {
  content: { "application/json": infer B };
}
  ? B
  : never;

/** `GET /api/v1/jobs` filters (status words: pending, delayed, active, completed, failed,
 * cancelled; processing = active, waiting = pending); `tags` filter as `tag.<name>`. */
export type ListJobsQuery = QueryOf<"list_jobs_api_v1_jobs_get"> & {
  tags?: Record<string, string>;
};
/** `GET /api/v1/admin/jobs` filters. */
export type AdminJobsQuery = QueryOf<"search_jobs_api_v1_admin_jobs_get">;
/** `GET /api/v1/characters` paging. */
export type CharactersQuery = QueryOf<"list_characters_api_v1_characters_get">;
/** `GET /api/v1/character-jobs` filters. */
export type CharacterJobsQuery = QueryOf<"list_character_jobs_api_v1_character_jobs_get">;
/** `GET /api/v1/media-jobs` filters. */
export type MediaJobsQuery = QueryOf<"list_media_jobs_api_v1_media_jobs_get">;

interface Envelope<T> {
  success: boolean;
  statusCode: number;
  message: string;
  data: T;
}
interface Listed<T, P> extends Envelope<T[]> {
  pagination: P;
}

const id = encodeURIComponent;

/** Routes of genqueue that answer in one of three shapes, read the same way everywhere.
 * Each call names its operation of the generated OpenAPI document (`operations[K]`): the
 * answer's type is that operation's 2xx JSON schema and the body's its request schema, so
 * a route the server renames, or whose schema changes shape, fails `tsc` here. */
class Routes {
  constructor(protected readonly http: HttpClient) {}

  /** The `data` of an envelope answer. */
  protected async data<K extends Op>(
    _operation: K,
    method: "GET" | "POST" | "DELETE",
    path: string,
    options?: RequestOptions,
    body?: BodyOf<K>,
    query?: Query,
  ): Promise<DataOf<K>> {
    const answer = await this.http.json<Envelope<DataOf<K>>>({ method, path, body, query, options });
    return answer.data;
  }

  /** A list answer: its items and pagination. */
  protected async page<K extends Op>(
    _operation: K,
    path: string,
    query?: Query,
    options?: RequestOptions,
  ): Promise<Page<ItemOf<K>, PaginationOf<K>>> {
    const answer = await this.http.json<Listed<ItemOf<K>, PaginationOf<K>>>({ method: "GET", path, query, options });
    return { items: answer.data, pagination: answer.pagination };
  }

  /** A body without an envelope (seeds 002–004's shapes). */
  protected raw<K extends Op>(
    _operation: K,
    method: "GET" | "POST" | "DELETE",
    path: string,
    options?: RequestOptions,
    body?: BodyOf<K>,
    query?: Query,
  ): Promise<Answer<K>> {
    return this.http.json<Answer<K>>({ method, path, body, query, options });
  }
}

/** Seeds 000/001: characters, their images and videos, and the jobs that make them. */
export class CharacterRoutes extends Routes {
  /** `GET /api/v1/poses`: the pose catalogue. */
  poses(options?: RequestOptions): Promise<PoseView[]> {
    return this.data("list_poses_api_v1_poses_get", "GET", "/api/v1/poses", options);
  }
  /** `POST /api/v1/characters`: create a character now, inside the request (not a job). */
  createNow(character: CharacterData, options?: RequestOptions): Promise<CharacterDetail> {
    return this.data("create_character_now_api_v1_characters_post", "POST", "/api/v1/characters", options, character);
  }
  /** `GET /api/v1/characters`: the caller's characters. */
  list(
    query: CharactersQuery = {},
    options?: RequestOptions,
  ): Promise<Page<CharacterView, SeedPagination>> {
    return this.page("list_characters_api_v1_characters_get", "/api/v1/characters", query, options);
  }
  /** `GET /api/v1/characters/{characterId}`: a character with its images and videos. */
  get(characterId: string, options?: RequestOptions): Promise<CharacterDetail> {
    return this.data("get_character_api_v1_characters__characterId__get", "GET", `/api/v1/characters/${id(characterId)}`, options);
  }
  /** `POST /api/v1/characters/queue`: queue a character creation job. */
  queue(character: CharacterData, options?: RequestOptions): Promise<Queued> {
    return this.data("queue_character_api_v1_characters_queue_post", "POST", "/api/v1/characters/queue", options, character);
  }
  /** `POST /api/v1/characters/{characterId}/generate-image/queue`: queue an image. */
  queueImage(
    characterId: string,
    image: ImageOptions = {},
    options?: RequestOptions,
  ): Promise<Queued> {
    const path = `/api/v1/characters/${id(characterId)}/generate-image/queue`;
    return this.data("queue_image_api_v1_characters__characterId__generate_image_queue_post", "POST", path, options, image);
  }
  /** `POST /api/v1/characters/{characterId}/media/{mediaId}/generate-video/queue`:
   * queue a video animated from one of the character's images. */
  queueVideo(
    characterId: string,
    mediaId: string,
    video: VideoOptions,
    options?: RequestOptions,
  ): Promise<Queued> {
    const path = `/api/v1/characters/${id(characterId)}/media/${id(mediaId)}/generate-video/queue`;
    return this.data("queue_video_api_v1_characters__characterId__media__mediaId__generate_video_queue_post", "POST", path, options, video);
  }
  /** `GET /api/v1/character-jobs`: the caller's character jobs. */
  jobs(
    query: CharacterJobsQuery = {},
    options?: RequestOptions,
  ): Promise<Page<CharacterJobView, SeedPagination>> {
    return this.page("list_character_jobs_api_v1_character_jobs_get", "/api/v1/character-jobs", query, options);
  }
  /** `GET /api/v1/character-jobs/{jobId}`: a character job's status. */
  job(jobId: string, options?: RequestOptions): Promise<CharacterJobView> {
    return this.data("get_character_job_api_v1_character_jobs__jobId__get", "GET", `/api/v1/character-jobs/${id(jobId)}`, options);
  }
  /** `DELETE /api/v1/character-jobs/{jobId}`: cancel a character job. */
  cancelJob(jobId: string, options?: RequestOptions): Promise<CharacterJobView> {
    return this.data("cancel_character_job_api_v1_character_jobs__jobId__delete", "DELETE", `/api/v1/character-jobs/${id(jobId)}`, options);
  }
  /** `GET /api/v1/media-jobs`: the caller's image and video jobs. */
  mediaJobs(
    query: MediaJobsQuery = {},
    options?: RequestOptions,
  ): Promise<Page<MediaJobView, SeedPagination>> {
    return this.page("list_media_jobs_api_v1_media_jobs_get", "/api/v1/media-jobs", query, options);
  }
  /** `GET /api/v1/media-jobs/{jobId}`: an image or video job's status. */
  mediaJob(jobId: string, options?: RequestOptions): Promise<MediaJobView> {
    return this.data("get_media_job_api_v1_media_jobs__jobId__get", "GET", `/api/v1/media-jobs/${id(jobId)}`, options);
  }
  /** `DELETE /api/v1/media-jobs/{jobId}`: cancel an image or video job. */
  cancelMediaJob(jobId: string, options?: RequestOptions): Promise<MediaJobView> {
    return this.data("cancel_media_job_api_v1_media_jobs__jobId__delete", "DELETE", `/api/v1/media-jobs/${id(jobId)}`, options);
  }
}

/** Seed 002: 360° image sets of a character (status at `/api/v1/jobs/{jobId}/status`). */
export class Library360Routes extends Routes {
  /** `POST /api/v1/characters/{characterId}/generate-360-set`: start a set (202). */
  generate360Set(
    characterId: string,
    set: SetOptions = {},
    options?: RequestOptions,
  ): Promise<Accepted> {
    const path = `/api/v1/characters/${id(characterId)}/generate-360-set`;
    return this.raw("generate_360_set_api_v1_characters__characterId__generate_360_set_post", "POST", path, options, set);
  }
  /** `POST /api/v1/characters/{characterId}/generate-core-set`: make the core shots and
   * wait up to `waitSeconds` for them: the status when done (200), else `Accepted` (202). */
  generateCoreSet(
    characterId: string,
    set: CoreSetOptions = {},
    query: { waitSeconds?: number } = {},
    options?: RequestOptions,
  ): Promise<JobStatus | Accepted> {
    const path = `/api/v1/characters/${id(characterId)}/generate-core-set`;
    return this.raw("generate_core_set_api_v1_characters__characterId__generate_core_set_post", "POST", path, options, set, query);
  }
  /** `GET /api/v1/jobs/{jobId}/status`: a set's status, shots so far in `partialResults`. */
  status(jobId: string, options?: RequestOptions): Promise<JobStatus> {
    return this.raw("get_status_api_v1_jobs__jobId__status_get", "GET", `/api/v1/jobs/${id(jobId)}/status`, options);
  }
  /** `DELETE /api/v1/jobs/{jobId}/status`: cancel a set (the shots made so far are kept). */
  cancel(jobId: string, options?: RequestOptions): Promise<JobStatus> {
    return this.raw("cancel_job_status_api_v1_jobs__jobId__status_delete", "DELETE", `/api/v1/jobs/${id(jobId)}/status`, options);
  }
}

/** Seed 003: stories. */
export class StoryRoutes extends Routes {
  /** `POST /api/generate`: queue a story. */
  generate(story: StoryRequest, options?: RequestOptions): Promise<StoryQueued> {
    return this.raw("generate_api_generate_post", "POST", "/api/generate", options, story);
  }
  /** `GET /api/job/{jobId}`: a story job's status (the story id once it is written). */
  job(jobId: string, options?: RequestOptions): Promise<StoryJobStatus> {
    return this.raw("story_job_status_api_job__jobId__get", "GET", `/api/job/${id(jobId)}`, options);
  }
  /** `DELETE /api/job/{jobId}`: cancel a story job. */
  cancel(jobId: string, options?: RequestOptions): Promise<StoryJobStatus> {
    return this.raw("cancel_story_job_api_job__jobId__delete", "DELETE", `/api/job/${id(jobId)}`, options);
  }
  /** `GET /api/story/{storyId}`: a finished story. */
  story(storyId: string, options?: RequestOptions): Promise<StoryView> {
    return this.raw("get_story_api_story__storyId__get", "GET", `/api/story/${id(storyId)}`, options);
  }
}

/** Seed 004: snap2story images (follow them live with {@link GenqueueSocket}). */
export class Snap2StoryRoutes extends Routes {
  /** `POST /api/jobs/generate-image`: queue an image, from an uploaded photo if given. */
  generateImage(image: GenerateImage, options?: RequestOptions): Promise<ImageQueued> {
    return this.raw("generate_image_api_jobs_generate_image_post", "POST", "/api/jobs/generate-image", options, image);
  }
  /** `GET /api/jobs/{jobId}/status`: an image job's status and progress. */
  status(jobId: string, options?: RequestOptions): Promise<ImageJobStatus> {
    return this.raw("image_job_status_api_jobs__jobId__status_get", "GET", `/api/jobs/${id(jobId)}/status`, options);
  }
  /** `DELETE /api/jobs/{jobId}`: cancel an image job. */
  cancel(jobId: string, options?: RequestOptions): Promise<ImageJobStatus> {
    return this.raw("cancel_image_job_api_jobs__jobId__delete", "DELETE", `/api/jobs/${id(jobId)}`, options);
  }
  /** `GET /api/jobs/stats`: the snap2story queue's counts. */
  stats(options?: RequestOptions): Promise<QueueStats> {
    return this.raw("queue_stats_api_jobs_stats_get", "GET", "/api/jobs/stats", options);
  }
  /** `GET /api/jobs/health`: store reachability and live workers. */
  health(options?: RequestOptions): Promise<ServiceHealth> {
    return this.raw("service_health_api_jobs_health_get", "GET", "/api/jobs/health", options);
  }
}

/** Queues (admin token): counts, pause/resume, bulk retry, clean, empty. */
export class QueueRoutes extends Routes {
  /** `GET /api/v1/queues`: every queue with its counts per state. */
  list(options?: RequestOptions): Promise<QueueView[]> {
    return this.data("list_queues_api_v1_queues_get", "GET", "/api/v1/queues", options);
  }
  /** `POST /api/v1/queues/{name}/pause`: no new job of the queue starts. */
  pause(name: string, options?: RequestOptions): Promise<QueuePaused> {
    return this.data("pause_queue_api_v1_queues__name__pause_post", "POST", `/api/v1/queues/${id(name)}/pause`, options);
  }
  /** `POST /api/v1/queues/{name}/resume`. */
  resume(name: string, options?: RequestOptions): Promise<QueuePaused> {
    return this.data("resume_queue_api_v1_queues__name__resume_post", "POST", `/api/v1/queues/${id(name)}/resume`, options);
  }
  /** `POST /api/v1/queues/{name}/retry-failed`: run every failed job again. */
  retryFailed(name: string, options?: RequestOptions): Promise<QueueRetried> {
    return this.data("retry_failed_api_v1_queues__name__retry_failed_post", "POST", `/api/v1/queues/${id(name)}/retry-failed`, options);
  }
  /** `POST /api/v1/queues/{name}/clean`: delete jobs that finished in a state before an age. */
  clean(name: string, clean: CleanQueue, options?: RequestOptions): Promise<QueueCleaned> {
    return this.data("clean_queue_api_v1_queues__name__clean_post", "POST", `/api/v1/queues/${id(name)}/clean`, options, clean);
  }
  /** `POST /api/v1/queues/{name}/empty`: cancel (and refund) every waiting job. */
  empty(name: string, options?: RequestOptions): Promise<QueueEmptied> {
    return this.data("empty_queue_api_v1_queues__name__empty_post", "POST", `/api/v1/queues/${id(name)}/empty`, options);
  }
}

/** The admin API (admin token): every user's jobs, workers, stats, credits. */
export class AdminRoutes extends Routes {
  /** `GET /api/v1/admin/jobs`: search every user's jobs. */
  jobs(query: AdminJobsQuery = {}, options?: RequestOptions): Promise<AdminJobPage> {
    return this.data("search_jobs_api_v1_admin_jobs_get", "GET", "/api/v1/admin/jobs", options, undefined, query);
  }
  /** `GET /api/v1/admin/jobs/{jobId}`: a job with its attempts and stack trace. */
  job(jobId: string, options?: RequestOptions): Promise<AdminJobDetail> {
    return this.data("job_detail_api_v1_admin_jobs__jobId__get", "GET", `/api/v1/admin/jobs/${id(jobId)}`, options);
  }
  /** `DELETE /api/v1/admin/jobs/{jobId}`: delete a job (a waiting one is refunded first). */
  deleteJob(jobId: string, options?: RequestOptions): Promise<JobDeleted> {
    return this.data("delete_job_api_v1_admin_jobs__jobId__delete", "DELETE", `/api/v1/admin/jobs/${id(jobId)}`, options);
  }
  /** `POST /api/v1/admin/jobs/{jobId}/promote`: start a delayed job now. */
  promote(jobId: string, options?: RequestOptions): Promise<JobView> {
    return this.data("promote_job_api_v1_admin_jobs__jobId__promote_post", "POST", `/api/v1/admin/jobs/${id(jobId)}/promote`, options);
  }
  /** `GET /api/v1/admin/workers`: registered workers and whether they are alive. */
  workers(options?: RequestOptions): Promise<WorkerView[]> {
    return this.data("list_workers_api_v1_admin_workers_get", "GET", "/api/v1/admin/workers", options);
  }
  /** `GET /api/v1/admin/stats`: queue health, throughput, durations, depth. */
  stats(query: { minutes?: number } = {}, options?: RequestOptions): Promise<AdminStats> {
    return this.data("stats_api_v1_admin_stats_get", "GET", "/api/v1/admin/stats", options, undefined, query);
  }
  /** `POST /api/v1/admin/users/{userId}/credits`: grant (or, negative, take) credits. */
  grantCredits(userId: string, change: CreditChange, options?: RequestOptions): Promise<Credits> {
    return this.data("grant_credits_api_v1_admin_users__userId__credits_post", "POST", `/api/v1/admin/users/${id(userId)}/credits`, options, change);
  }
}

/** The genqueue client: the generic job API as methods, each seed's routes as a group,
 * a job's events over SSE ({@link streamJob}) and Socket.IO ({@link socket}).
 * Envelope answers are unwrapped to their `data`; errors throw {@link ApiError}s. */
export class GenqueueClient extends Routes {
  /** Seeds 000/001: characters, images, videos. */
  readonly characters: CharacterRoutes;
  /** Seed 002: 360° sets. */
  readonly library360: Library360Routes;
  /** Seed 003: stories. */
  readonly stories: StoryRoutes;
  /** Seed 004: snap2story images. */
  readonly snap2story: Snap2StoryRoutes;
  /** Queue administration. */
  readonly queues: QueueRoutes;
  /** The admin API. */
  readonly admin: AdminRoutes;
  private readonly options: ClientOptions;

  constructor(options: ClientOptions = {}) {
    super(new HttpClient(options));
    this.options = options;
    this.characters = new CharacterRoutes(this.http);
    this.library360 = new Library360Routes(this.http);
    this.stories = new StoryRoutes(this.http);
    this.snap2story = new Snap2StoryRoutes(this.http);
    this.queues = new QueueRoutes(this.http);
    this.admin = new AdminRoutes(this.http);
  }

  /** The HTTP layer (base URL, token, retries) the routes use. */
  get httpClient(): HttpClient {
    return this.http;
  }

  /** `POST /api/v1/jobs`: submit a job (202); `created` is false when an
   * idempotency key matched an earlier job. */
  submit(job: SubmitJob, options?: RequestOptions): Promise<Submitted> {
    return this.data("submit_job_api_v1_jobs_post", "POST", "/api/v1/jobs", options, job);
  }

  /** `GET /api/v1/jobs/{jobId}`: the whole job, with its position and wait estimate. */
  getJob(jobId: string, options?: RequestOptions): Promise<JobView> {
    return this.data("get_job_api_v1_jobs__jobId__get", "GET", `/api/v1/jobs/${id(jobId)}`, options);
  }

  /** `GET /api/v1/jobs`: the caller's jobs (admins: `owner` or `all`), newest first. */
  listJobs(query: ListJobsQuery = {}, options?: RequestOptions): Promise<Page<JobView, Pagination>> {
    const { tags, ...rest } = query;
    const flat: Query = { ...rest };
    for (const [name, value] of Object.entries(tags ?? {})) flat[`tag.${name}`] = value;
    return this.page("list_jobs_api_v1_jobs_get", "/api/v1/jobs", flat, options);
  }

  /** `GET /api/v1/jobs/{jobId}/status`: seed 002's status shape of any job. */
  getStatus(jobId: string, options?: RequestOptions): Promise<JobStatus> {
    return this.raw("get_status_api_v1_jobs__jobId__status_get", "GET", `/api/v1/jobs/${id(jobId)}/status`, options);
  }

  /** `DELETE /api/v1/jobs/{jobId}`: cancel; a waiting job ends at once (refunded), a
   * running one is interrupted by its worker (`cancelRequested`). 409 once finished. */
  cancel(jobId: string, options?: RequestOptions): Promise<JobView> {
    return this.data("cancel_job_api_v1_jobs__jobId__delete", "DELETE", `/api/v1/jobs/${id(jobId)}`, options);
  }

  /** `POST /api/v1/jobs/{jobId}/retry`: run a failed or cancelled job again. */
  retry(jobId: string, options?: RequestOptions): Promise<JobView> {
    return this.data("retry_job_api_v1_jobs__jobId__retry_post", "POST", `/api/v1/jobs/${id(jobId)}/retry`, options);
  }

  /** `GET /api/v1/me/credits`: the caller's balance. */
  credits(options?: RequestOptions): Promise<Credits> {
    return this.data("my_credits_api_v1_me_credits_get", "GET", "/api/v1/me/credits", options);
  }

  /** `GET /health`: the process is alive. */
  health(options?: RequestOptions): Promise<Health> {
    return this.raw("health_health_get", "GET", "/health", options);
  }

  /** `GET /ready`: the store answers. */
  ready(options?: RequestOptions): Promise<Health> {
    return this.raw("ready_ready_get", "GET", "/ready", options);
  }

  /** The URL of an artifact (`/assets/<key>`, as results name them) under the base URL. */
  assetUrl(keyOrPath: string): string {
    if (/^https?:\/\//.test(keyOrPath)) return keyOrPath;
    const path = keyOrPath.startsWith("/") ? keyOrPath : `/assets/${keyOrPath}`;
    return this.http.url(path);
  }

  /** Follows a job's events over SSE until its final one, resuming after drops. */
  streamJob(jobId: string, options: StreamJobOptions = {}): Promise<StreamJobResult> {
    return streamJob(this.http, jobId, options);
  }

  /** A Socket.IO connection with this client's base URL and token. */
  socket(options: Omit<GenqueueSocketOptions, "baseUrl" | "token"> = {}): GenqueueSocket {
    const settings: GenqueueSocketOptions = { ...options };
    if (this.options.baseUrl !== undefined) settings.baseUrl = this.options.baseUrl;
    if (this.options.token !== undefined) settings.token = this.options.token;
    return new GenqueueSocket(settings);
  }
}
