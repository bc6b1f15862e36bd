/**
 * genqueue-client/react: hooks and components over {@link GenqueueClient}.
 *
 * - `GenqueueProvider` / `useGenqueueClient`: a client in context.
 * - `useJob(jobId)`: a generic job over the provider's one shared Socket.IO connection (or
 *   SSE, one connection per job), polling with backoff when push fails; stops at a final
 *   state and on unmount.
 * - Seed 000's `useJobPolling`, `useCharacterCreation`, `useMediaGeneration`; seed 004's
 *   `useImageGeneration` over Socket.IO (their submits resolve null when refused, never
 *   reject); `useJobs` for a user's jobs page by page, live over the socket.
 * - `ProgressBar`, `JobCard` (`JobCardView`), `JobList`.
 */
export { GenqueueProvider, SocketPool, socketPoolOf, useClientOf, useGenqueueClient } from "./context.js";
export type { GenqueueProviderProps } from "./context.js";
export { DEFAULT_POLL_POLICY, nextDelay } from "./backoff.js";
export type { PollOutcome, PollPolicy } from "./backoff.js";
export { followJob } from "./follow.js";
export type { FollowListener, FollowSource, Transport } from "./follow.js";
export { applySocketEvent, applyStreamEvent, jobSource, withPartial } from "./jobSources.js";
export { SOCKET_READY_MS, followOnSocket } from "./socketFollow.js";
export type { SocketRun } from "./socketFollow.js";
export type { PushChannel } from "./jobSources.js";
export { NO_PROGRESS, toProgress } from "./progress.js";
export type { ProgressInfo } from "./progress.js";
export { useJob } from "./useJob.js";
export type { UseJobOptions, UseJobResult } from "./useJob.js";
export { useJobPolling } from "./useJobPolling.js";
export type { PolledJob, UseJobPollingOptions, UseJobPollingResult } from "./useJobPolling.js";
export { useCharacterCreation } from "./useCharacterCreation.js";
export type { SeedHookOptions, UseCharacterCreationResult } from "./useCharacterCreation.js";
export { useMediaGeneration } from "./useMediaGeneration.js";
export type { UseMediaGenerationResult } from "./useMediaGeneration.js";
export { useImageGeneration } from "./useImageGeneration.js";
export type {
  ImageCompleted,
  ImageFailed,
  ImageJob,
  ImageProgress,
  UseImageGenerationOptions,
  UseImageGenerationResult,
} from "./useImageGeneration.js";
export { useJobs } from "./useJobs.js";
export type { UseJobsOptions, UseJobsResult } from "./useJobs.js";
export { ProgressBar } from "./ProgressBar.js";
export type { ProgressBarProps } from "./ProgressBar.js";
export { JobCard, JobCardView } from "./JobCard.js";
export type { JobCardProps, JobCardViewProps } from "./JobCard.js";
export { JobList } from "./JobList.js";
export type { JobListProps } from "./JobList.js";
