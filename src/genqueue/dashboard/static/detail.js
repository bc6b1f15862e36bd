// A job's detail in the side drawer: progress, who and where, the timeline, the failure
// with its traceback, the data, the partial results and the result.

import { actionsFor } from "./actions.js";
import { $, h, replace } from "./dom.js";
import { absolute, between, count, json, relative, seconds } from "./format.js";
import { progressBar, statusBadge } from "./jobs.js";

function section(title, ...body) {
  return h("section", { class: "detail-section" }, h("h3", null, title), body);
}

function facts(pairs) {
  return h("dl", { class: "facts" },
    pairs.filter(([, value]) => value !== null && value !== undefined && value !== "")
      .map(([label, value, testid]) => h("div", { class: "fact" }, h("dt", null, label), h("dd", { dataset: { testid } }, value))));
}

function when(iso) {
  if (!iso) return null;
  return h("span", { title: iso }, absolute(iso), h("span", { class: "muted" }, ` · ${relative(iso)}`));
}

function code(value, testid) {
  return h("pre", { class: "code", dataset: { testid } }, value === undefined ? "—" : json(value));
}

function stacktraceText(stack) {
  if (Array.isArray(stack)) return stack.join("");
  return typeof stack === "string" ? stack : "";
}

function failure(job) {
  if (!job.failedReason && !stacktraceText(job.stacktrace)) return null;
  const trace = stacktraceText(job.stacktrace);
  return section("Failure",
    job.failedReason ? h("p", { class: "failed-reason", dataset: { testid: "failed-reason" } }, job.failedReason) : null,
    trace
      ? h("details", { class: "trace", open: true }, h("summary", null, "Traceback"), h("pre", { class: "code code-trace", dataset: { testid: "stacktrace" } }, trace))
      : h("p", { class: "muted small" }, "No traceback was recorded."));
}

function attempts(job) {
  const list = Array.isArray(job.attempts) ? job.attempts : null;
  if (!list || list.length === 0) return null;
  return section(`Attempts (${list.length})`,
    h("ol", { class: "attempts" }, list.map((attempt) => h("li", null, h("pre", { class: "code code-small" }, json(attempt))))));
}

function partials(job) {
  const list = job.partialResults ?? [];
  if (list.length === 0) return null;
  return section(`Partial results (${count(list.length)})`,
    h("ol", { class: "partials", dataset: { testid: "partials" } }, list.map((item) => h("li", null, h("pre", { class: "code code-small" }, json(item))))));
}

/** Fills the drawer with `job`; its buttons run `act(kind, job)`. */
export function drawDetail(job, act) {
  $("#detail").hidden = false;
  $("#detail").dataset.jobId = job.jobId;
  $("#detail").dataset.status = job.status;
  replace($("#detail-kicker"), statusBadge(job.status, job.cancelRequested), " ", h("span", null, `${job.type} on ${job.queue}`));
  replace($("#detail-title"), job.jobId);
  replace($("#detail-actions"), actionsFor(job).map(({ kind, label, danger }) =>
    h("button", { type: "button", class: `btn${danger ? " btn-danger-quiet" : " btn-primary"}`, dataset: { action: kind, testid: `detail-${kind}` }, onclick: () => act(kind, job) }, label)));
  const attemptsMade = typeof job.attempts === "number" ? job.attempts : job.attemptsMade;
  const tags = Object.entries(job.tags ?? {});
  replace($("#detail-body"),
    section("Progress", h("div", { id: "detail-progress" }, progressBar(job.progress, job.status))),
    failure(job),
    section("Overview", facts([
      ["Owner", job.owner, "detail-owner"],
      ["Queue", job.queue],
      ["Type", job.type],
      ["Priority", job.priority],
      ["Attempts", `${attemptsMade ?? 0} of ${job.maxAttempts ?? "—"}`, "detail-attempts"],
      ["Stalled", job.stalledCount ? count(job.stalledCount) : null],
      ["Cost", job.cost ? `${count(job.cost)} credit${job.cost === 1 ? "" : "s"}` : null],
      ["Tags", tags.length ? h("span", { class: "tags" }, tags.map(([k, v]) => h("span", { class: "tag" }, `${k}=${v}`))) : null],
    ])),
    section("Timeline", facts([
      ["Created", when(job.createdAt)],
      ["Runs at", job.status === "delayed" ? when(job.runAt) : null],
      ["Started", when(job.startedAt)],
      ["Finished", when(job.completedAt)],
      ["Waited", job.startedAt ? seconds(between(job.createdAt, job.startedAt)) : null],
      ["Ran", job.completedAt && job.startedAt ? seconds(between(job.startedAt, job.completedAt)) : null],
    ])),
    attempts(job),
    section("Data", code(job.data, "detail-data")),
    partials(job),
    job.result !== null && job.result !== undefined ? section("Result", code(job.result, "detail-result")) : null);
}

/** Progress straight from a live event, before the debounced refresh re-reads the job. */
export function updateProgress(jobId, progress, status) {
  const drawer = $("#detail");
  const slot = $("#detail-progress");
  if (drawer.hidden || drawer.dataset.jobId !== jobId || !slot) return;
  replace(slot, progressBar(progress, status));
}

export function closeDetail() {
  const drawer = $("#detail");
  drawer.hidden = true;
  delete drawer.dataset.jobId;
}

export function drawMissing(jobId) {
  $("#detail").hidden = false;
  replace($("#detail-kicker"), "Job");
  replace($("#detail-title"), jobId);
  replace($("#detail-actions"));
  replace($("#detail-body"), h("p", { class: "muted" }, "This job no longer exists (it was deleted or cleaned)."));
}
