import { useCallback, useEffect, useMemo, useState } from "react";
import type { GenqueueClient, ListJobsQuery } from "../client.js";
import type { JobView, Pagination } from "../types.js";
import { sleep } from "./backoff.js";
import { useClientOf } from "./context.js";
import { isFinalState } from "./jobSources.js";

export interface UseJobsOptions {
  /** Filters of `GET /api/v1/jobs` (status, type, tags …); `page`/`limit` come from below. */
  query?: Omit<ListJobsQuery, "page" | "limit" | "skip">;
  /** Jobs per page (default 10, at most 100). */
  pageSize?: number;
  /** While a listed job is unfinished, reload the page every this many ms (default 2000;
   * 0 = never). */
  refreshMs?: number;
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
}

/** The caller's jobs, newest first, a page at a time (`GET /api/v1/jobs`). */
export function useJobs(options: UseJobsOptions = {}): UseJobsResult {
  const client = useClientOf(options.client);
  const pageSize = options.pageSize ?? 10;
  const refreshMs = options.refreshMs ?? 2_000;
  const queryKey = JSON.stringify(options.query ?? {});
  const [page, setPage] = useState(1);
  const [reloads, setReloads] = useState(0);
  const [state, setState] = useState<{ jobs: JobView[]; pagination: Pagination | null; error: Error | null }>({
    jobs: [],
    pagination: null,
    error: null,
  });
  const [loading, setLoading] = useState(false);

  useEffect(() => setPage(1), [queryKey, pageSize]);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    const query: ListJobsQuery = { ...(JSON.parse(queryKey) as ListJobsQuery), page, limit: pageSize };
    const load = async (): Promise<void> => {
      for (;;) {
        setLoading(true);
        let unfinished = false;
        try {
          const answer = await client.listJobs(query, { signal });
          if (signal.aborted) return;
          setState({ jobs: answer.items, pagination: answer.pagination, error: null });
          unfinished = answer.items.some((job) => !isFinalState(job.status));
        } catch (error) {
          if (signal.aborted) return;
          setState((s) => ({ ...s, error: error instanceof Error ? error : new Error(String(error)) }));
        }
        setLoading(false);
        if (!unfinished || refreshMs <= 0) return;
        await sleep(refreshMs, signal);
        if (signal.aborted) return;
      }
    };
    void load();
    return () => controller.abort();
  }, [client, queryKey, page, pageSize, refreshMs, reloads]);

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
    }),
    [state, page, total, pageSize, loading, reload],
  );
}
