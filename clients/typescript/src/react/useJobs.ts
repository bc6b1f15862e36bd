import { useCallback, useEffect, useMemo, useState } from "react";
import type { GenqueueClient, ListJobsQuery } from "../client.js";
import { toError } from "../errors.js";
import { type JobView, type Pagination, isFinalStatus } from "../types.js";
import { socketPoolOf, useClientOf } from "./context.js";
import { isFatal, retryAfterMs } from "./follow.js";

export interface UseJobsOptions {
  /** Filters of `GET /api/v1/jobs` (status, type, tags …); `page`/`limit` come from below. */
  query?: Omit<ListJobsQuery, "page" | "limit" | "skip">;
  /** Jobs per page (default 10, at most 100). */
  pageSize?: number;
  /** Polling, when the socket is not available: while a listed job is unfinished, reload
   * the page every this many ms (default 2000; 0 = never). A failed load is tried again
   * after this (2000 ms when 0), doubling per failure up to 30 s (or `Retry-After`); a
   * 4xx other than 408 and 429 is not retried (`reload()` tries again). */
  refreshMs?: number;
  /** Follow the caller's jobs over the provider's shared Socket.IO connection
   * (`subscribe_to_my_jobs`) and reload the page 250 ms after their events, so a job
   * submitted elsewhere shows up and final states show within a second (default true).
   * While the socket is down, the page is polled instead (`refreshMs`). */
  live?: boolean;
  client?: GenqueueClient | string;
}

export interface UseJobsResult {
  jobs: JobView[];
  pagination: Pagination | null;
  /** From 1. */
  page: number;
  pageCount: number;
  setPage: (page: number) => void;
  loading: boolean;
  error: Error | null;
  reload: () => void;
  /** True while the list is kept fresh by socket events (else by polling). */
  isLive: boolean;
}

/** Coalesces the events of a burst into one reload. */
const LIVE_RELOAD_MS = 250;
const MAX_ERROR_DELAY_MS = 30_000;
const DEFAULT_REFRESH_MS = 2_000;

/** Follows the user's jobs on the pooled socket while `signal` is not aborted, calling
 * `changed` for each event and when the connection comes up or goes down. */
function watchMyJobs(client: GenqueueClient, signal: AbortSignal, changed: () => void): { readonly up: boolean } {
  const pool = socketPoolOf(client);
  const socket = pool.acquire();
  let accepted = false;
  const subscription = socket.subscribeToMyJobs({ onEvent: changed });
  subscription.ready.then((ack) => {
    if (ack.ok && !signal.aborted) {
      accepted = true;
      changed(); // catch up with what happened before the subscription
    }
  }, changed);
  socket.socket.on("connect", changed);
  socket.socket.on("disconnect", changed);
  signal.addEventListener(
    "abort",
    () => {
      socket.socket.off("connect", changed);
      socket.socket.off("disconnect", changed);
      subscription.unsubscribe();
      pool.release();
    },
    { once: true },
  );
  return {
    get up() {
      return accepted && socket.connected;
    },
  };
}

/** The caller's jobs, newest first, a page at a time (`GET /api/v1/jobs`), kept fresh by
 * Socket.IO events (polling when the socket is unavailable). */
export function useJobs(options: UseJobsOptions = {}): UseJobsResult {
  const client = useClientOf(options.client);
  const pageSize = options.pageSize ?? 10;
  const refreshMs = options.refreshMs ?? DEFAULT_REFRESH_MS;
  const live = options.live ?? true;
  const queryKey = JSON.stringify(options.query ?? {});
  const [page, setPage] = useState(1);
  const [reloads, setReloads] = useState(0);
  const [state, setState] = useState<{ jobs: JobView[]; pagination: Pagination | null; error: Error | null }>({
    jobs: [],
    pagination: null,
    error: null,
  });
  const [loading, setLoading] = useState(false);
  const [isLive, setIsLive] = useState(false);

  useEffect(() => setPage(1), [queryKey, pageSize]);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    const query: ListJobsQuery = { ...(JSON.parse(queryKey) as ListJobsQuery), page, limit: pageSize };
    let dirty = false;
    let wake: (() => void) | null = null;
    let soon: ReturnType<typeof setTimeout> | undefined;
    const changed = (): void => {
      if (soon !== undefined || signal.aborted) return;
      soon = setTimeout(() => {
        soon = undefined;
        dirty = true;
        wake?.();
      }, LIVE_RELOAD_MS);
    };
    signal.addEventListener("abort", () => clearTimeout(soon), { once: true });
    const socket = live ? watchMyJobs(client, signal, changed) : { up: false };
    /** Waits `ms` (null: until an event), or less when an event or the abort comes. */
    const rest = (ms: number | null): Promise<void> =>
      new Promise((resolve) => {
        if (dirty || signal.aborted) {
          resolve();
          return;
        }
        const done = (): void => {
          clearTimeout(timer);
          wake = null;
          signal.removeEventListener("abort", done);
          resolve();
        };
        const timer = ms === null ? undefined : setTimeout(done, ms);
        wake = done;
        signal.addEventListener("abort", done, { once: true });
      });
    const load = async (): Promise<void> => {
      let failures = 0;
      while (!signal.aborted) {
        dirty = false;
        setLoading(true);
        let wait: number | null = null;
        try {
          const answer = await client.listJobs(query, { signal });
          if (signal.aborted) return;
          failures = 0;
          setState({ jobs: answer.items, pagination: answer.pagination, error: null });
          const unfinished = answer.items.some((job) => !isFinalStatus(job.status));
          if (!socket.up && unfinished && refreshMs > 0) wait = refreshMs;
        } catch (error) {
          if (signal.aborted) return;
          failures++;
          setState((s) => ({ ...s, error: toError(error) }));
          if (!isFatal(error) && (refreshMs > 0 || live)) {
            const base = (refreshMs > 0 ? refreshMs : DEFAULT_REFRESH_MS) * 2 ** Math.min(failures - 1, 10);
            wait = Math.max(Math.min(MAX_ERROR_DELAY_MS, base), retryAfterMs(error) ?? 0);
          }
        }
        setLoading(false);
        setIsLive(socket.up);
        await rest(wait);
      }
    };
    void load();
    return () => controller.abort();
  }, [client, queryKey, page, pageSize, refreshMs, live, reloads]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  const total = state.pagination?.total ?? 0;
  return useMemo(
    () => ({
      jobs: state.jobs,
      pagination: state.pagination,
      page,
      pageCount: Math.max(1, Math.ceil(total / pageSize)),
      setPage: (next: number) => setPage(Math.max(1, Math.floor(next))),
      loading,
      error: state.error,
      reload,
      isLive,
    }),
    [state, page, total, pageSize, loading, reload, isLive],
  );
}
