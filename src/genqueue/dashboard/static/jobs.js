// The job list: state tabs with counts, one row per job, and the pager.

import { actionsFor } from "./actions.js";
import { h, replace } from "./dom.js";
import { STATES, STATE_LABELS, absolute, count, relative, shortId } from "./format.js";

/** "All" and one tab per state; `counts` are of the queue shown (or every queue). */
export function drawTabs(container, counts, active, pick) {
  const total = STATES.reduce((sum, state) => sum + (counts[state] ?? 0), 0);
  const tab = (state, label, n) =>
    h("button", {
      type: "button",
      role: "tab",
      class: `tab${state ? ` tab-${state}` : ""}`,
      "aria-selected": String(active === state),
      dataset: { state: state ?? "all", testid: `tab-${state ?? "all"}` },
      onclick: () => pick(state),
    }, label, h("span", { class: "tab-count" }, count(n)));
  replace(container, tab(null, "All", total), STATES.map((state) => tab(state, STATE_LABELS[state], counts[state] ?? 0)));
}

export function statusBadge(status, cancelRequested = false) {
  return h("span", { class: `status status-${status}`, dataset: { testid: "status" } },
    h("i", { class: `dot-state s-${status}` }), cancelRequested && status === "active" ? "cancelling" : status);
}

export function progressBar(progress, status) {
  const pct = Math.max(0, Math.min(100, Number(progress?.percentage) || 0));
  const fill = h("span", { class: `progress-fill s-${status}` });
  fill.style.width = `${pct}%`;
  const text = progress?.currentTask || (progress?.total ? `${progress.current ?? 0} of ${progress.total}` : "");
  return h("div", { class: "progress", title: text || `${pct}%` },
    h("span", { class: "progress-track" }, fill),
    h("span", { class: "progress-text small" }, `${Math.round(pct)}%`, text ? h("span", { class: "muted" }, ` · ${text}`) : null));
}

function finishedCell(job) {
  if (job.completedAt) return h("span", { title: absolute(job.completedAt) }, relative(job.completedAt));
  if (job.status === "delayed" && job.runAt) return h("span", { class: "muted", title: absolute(job.runAt) }, `runs ${relative(job.runAt)}`);
  if (job.startedAt) return h("span", { class: "muted", title: absolute(job.startedAt) }, `started ${relative(job.startedAt)}`);
  return h("span", { class: "muted" }, "—");
}

/** One row per job; a click on a row opens it, its buttons run `act(kind, job)`. */
export function drawRows(tbody, jobs, { open, act, emptyText }) {
  if (jobs.length === 0) {
    replace(tbody, h("tr", { class: "empty-row" }, h("td", { colspan: "8" }, emptyText)));
    return;
  }
  replace(tbody, jobs.map((job) => {
    const buttons = actionsFor(job).map(({ kind, label, danger }) =>
      h("button", {
        type: "button",
        class: `btn btn-small${danger ? " btn-danger-quiet" : ""}`,
        dataset: { action: kind, testid: `row-${kind}` },
        onclick: (event) => {
          event.stopPropagation();
          act(kind, job);
        },
      }, label));
    const tags = Object.entries(job.tags ?? {}).slice(0, 3).map(([k, v]) => h("span", { class: "tag" }, `${k}=${v}`));
    return h("tr", {
      class: "job-row",
      tabindex: "0",
      dataset: { jobId: job.jobId, status: job.status, testid: "job-row" },
      onclick: () => open(job.jobId),
      onkeydown: (event) => {
        if (event.key === "Enter") open(job.jobId);
      },
    },
      h("td", null,
        h("div", { class: "job-cell" },
          h("span", { class: "mono job-id", title: job.jobId }, shortId(job.jobId)),
          h("span", { class: "job-type" }, job.type, h("span", { class: "muted" }, ` · ${job.queue}`)),
          tags.length ? h("span", { class: "tags" }, tags) : null)),
      h("td", { class: "owner" }, job.owner),
      h("td", null, statusBadge(job.status, job.cancelRequested)),
      h("td", { class: "col-progress" }, progressBar(job.progress, job.status)),
      h("td", { class: "num" }, `${job.attemptsMade ?? 0} / ${job.maxAttempts ?? "—"}`),
      h("td", { title: absolute(job.createdAt) }, relative(job.createdAt)),
      h("td", null, finishedCell(job)),
      h("td", { class: "col-actions" }, h("div", { class: "row-actions" }, buttons)));
  }));
}

export function drawPager(info, prev, next, { total, skip, shown, limit }) {
  info.textContent = total === 0 ? "No jobs" : `${count(skip + 1)}–${count(skip + shown)} of ${count(total)}`;
  prev.disabled = skip <= 0;
  next.disabled = skip + limit >= total;
}
