// Every action the dashboard offers: which apply to a job in its state, the question
// each asks first, the API call, and the sentence that reports the answer.

import { api } from "./api.js";
import { runAction } from "./confirm.js";
import { h } from "./dom.js";
import { count, shortId } from "./format.js";

const JOB_ACTIONS = {
  retry: {
    label: "Retry",
    when: (job) => job.status === "failed" || job.status === "cancelled",
    question: (job) => ({
      title: "Retry job",
      message: `Run ${job.type} job ${shortId(job.jobId)} again from its first attempt? A refunded job is charged again.`,
      confirmLabel: "Retry",
    }),
    perform: (job) => api.retry(job.jobId),
    describe: (job) => `Job ${shortId(job.jobId)} is queued again.`,
  },
  promote: {
    label: "Promote",
    when: (job) => job.status === "delayed",
    question: (job) => ({
      title: "Promote job",
      message: `Run delayed job ${shortId(job.jobId)} now instead of at its scheduled time?`,
      confirmLabel: "Promote",
    }),
    perform: (job) => api.promote(job.jobId),
    describe: (job) => `Job ${shortId(job.jobId)} now waits to run.`,
  },
  cancel: {
    label: "Cancel",
    when: (job) => ["pending", "delayed", "active"].includes(job.status) && !job.cancelRequested,
    question: (job) => ({
      title: "Cancel job",
      message: job.status === "active"
        ? `Interrupt running job ${shortId(job.jobId)}? Its worker stops it; its credits are refunded.`
        : `Cancel waiting job ${shortId(job.jobId)}? Its credits are refunded.`,
      confirmLabel: "Cancel job",
      danger: true,
    }),
    perform: (job) => api.cancel(job.jobId),
    describe: (job, _values, answer) => answer?.message === "Cancellation requested"
      ? `Cancellation of ${shortId(job.jobId)} requested; it stops shortly.`
      : `Job ${shortId(job.jobId)} cancelled.`,
  },
  delete: {
    label: "Delete",
    when: (job) => job.status !== "active",
    question: (job) => ({
      title: "Delete job",
      message: job.status === "pending" || job.status === "delayed"
        ? `Cancel (refunded) and delete waiting job ${shortId(job.jobId)}? This cannot be undone.`
        : `Delete ${job.status} job ${shortId(job.jobId)} and its record? This cannot be undone.`,
      confirmLabel: "Delete",
      danger: true,
    }),
    perform: (job) => api.remove(job.jobId),
    describe: (job) => `Job ${shortId(job.jobId)} deleted.`,
  },
};

/** The actions that apply to `job` now, in button order. */
export function actionsFor(job) {
  return Object.entries(JOB_ACTIONS)
    .filter(([, action]) => action.when(job))
    .map(([kind, action]) => ({ kind, label: action.label, danger: kind === "delete" || kind === "cancel" }));
}

/** Confirms and runs a job action; resolves true when it ran. */
export function runJobAction(kind, job) {
  const action = JOB_ACTIONS[kind];
  return runAction(
    action.question(job),
    () => action.perform(job),
    (answer, values) => action.describe(job, values, answer),
  );
}

function cleanFields() {
  return [
    h("label", { class: "field" }, "Finished state",
      h("select", { name: "status", dataset: { testid: "clean-status" } },
        h("option", { value: "completed" }, "completed"),
        h("option", { value: "failed" }, "failed"),
        h("option", { value: "cancelled" }, "cancelled"))),
    h("label", { class: "field" }, "Older than",
      h("span", { class: "field-row" },
        h("input", { name: "age", type: "number", min: "0", step: "1", value: "24", required: true, dataset: { testid: "clean-age" } }),
        h("select", { name: "unit", dataset: { testid: "clean-unit" } },
          h("option", { value: "60" }, "minutes"),
          h("option", { value: "3600", selected: true }, "hours"),
          h("option", { value: "86400" }, "days")))),
  ];
}

const QUEUE_ACTIONS = {
  pause: {
    question: (q) => ({ title: "Pause queue", message: `Stop starting jobs of ${q.name}? Running jobs finish; waiting jobs stay queued.`, confirmLabel: "Pause" }),
    perform: (q) => api.pause(q.name),
    describe: (q) => `Queue ${q.name} paused.`,
  },
  resume: {
    question: (q) => ({ title: "Resume queue", message: `Start jobs of ${q.name} again?`, confirmLabel: "Resume" }),
    perform: (q) => api.resume(q.name),
    describe: (q) => `Queue ${q.name} resumed.`,
  },
  "retry-failed": {
    question: (q) => ({ title: "Retry every failed job", message: `Queue every failed job of ${q.name} again (${count(q.counts?.failed ?? 0)} now)?`, confirmLabel: "Retry all" }),
    perform: (q) => api.retryFailed(q.name),
    describe: (q, _v, answer) => `${count(answer.data.retried)} failed job${answer.data.retried === 1 ? "" : "s"} of ${q.name} queued again.`,
  },
  clean: {
    question: (q) => ({ title: "Clean finished jobs", message: `Delete finished jobs of ${q.name} older than:`, confirmLabel: "Clean", danger: true, fields: cleanFields() }),
    perform: (q, values) => api.clean(q.name, values.status, Math.max(0, Number(values.age) || 0) * Number(values.unit)),
    describe: (q, values, answer) => `${count(answer.data.removed)} ${values.status} job${answer.data.removed === 1 ? "" : "s"} of ${q.name} removed.`,
  },
  empty: {
    question: (q) => ({ title: "Empty queue", message: `Cancel (and refund) every waiting job of ${q.name}: ${count((q.counts?.pending ?? 0) + (q.counts?.delayed ?? 0))} now? Running jobs go on.`, confirmLabel: "Empty queue", danger: true }),
    perform: (q) => api.empty(q.name),
    describe: (q, _v, answer) => `${count(answer.data.cancelled)} waiting job${answer.data.cancelled === 1 ? "" : "s"} of ${q.name} cancelled.`,
  },
};

/** Confirms and runs a queue action; resolves true when it ran. */
export function runQueueAction(kind, queue) {
  const action = QUEUE_ACTIONS[kind];
  return runAction(
    action.question(queue),
    (values) => action.perform(queue, values),
    (answer, values) => action.describe(queue, values, answer),
  );
}
