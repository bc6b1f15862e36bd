// The totals tiles and one card per queue: counts per state, paused, limits, the oldest
// waiting job's age, the workers serving it (flagged when jobs wait and none is alive),
// a sparkline of completions, and the queue's actions.

import { h, replace } from "./dom.js";
import { STATES, STATE_LABELS, count, rateLimit, seconds } from "./format.js";
import { sparkline } from "./charts.js";

export function drawTiles(container, queues, workers) {
  const totals = Object.fromEntries(STATES.map((state) => [state, 0]));
  for (const queue of queues) {
    for (const state of STATES) totals[state] += queue.counts?.[state] ?? 0;
  }
  const alive = workers.filter((w) => w.alive).length;
  const unserved = queues.filter((q) => q.unserved).length;
  const tiles = STATES.map((state) =>
    h("div", { class: `tile tile-${state}`, dataset: { testid: `tile-${state}` } },
      h("div", { class: "tile-label" }, h("i", { class: `dot-state s-${state}` }), STATE_LABELS[state]),
      h("div", { class: "tile-value" }, count(totals[state]))));
  tiles.push(
    h("div", { class: `tile tile-workers${unserved ? " tile-alert" : ""}`, dataset: { testid: "tile-workers" } },
      h("div", { class: "tile-label" }, "Workers alive"),
      h("div", { class: "tile-value" }, count(alive)),
      unserved ? h("div", { class: "tile-note" }, `${unserved} queue${unserved === 1 ? "" : "s"} unserved`) : null));
  replace(container, tiles);
}

function stateBar(counts) {
  const total = STATES.reduce((sum, state) => sum + (counts[state] ?? 0), 0);
  const bar = h("div", { class: "state-bar", "aria-hidden": "true" });
  if (total === 0) {
    bar.classList.add("state-bar-empty");
    return bar;
  }
  for (const state of STATES) {
    const n = counts[state] ?? 0;
    if (!n) continue;
    const part = h("span", { class: `seg s-${state}`, title: `${STATE_LABELS[state]}: ${count(n)}` });
    part.style.flexGrow = String(n);
    bar.append(part);
  }
  return bar;
}

function badges(queue, workerCount) {
  const list = [];
  if (queue.paused) list.push(h("span", { class: "badge badge-paused", dataset: { testid: "paused" } }, "Paused"));
  if (queue.unserved) {
    list.push(h("span", { class: "badge badge-alert", dataset: { testid: "unserved" }, title: "Jobs are waiting and no live worker serves this queue" }, "Unserved"));
  } else if (workerCount > 0) {
    list.push(h("span", { class: "badge badge-ok" }, `${workerCount} worker${workerCount === 1 ? "" : "s"}`));
  } else {
    list.push(h("span", { class: "badge" }, "No worker"));
  }
  return list;
}

function meta(queue) {
  const item = (label, value, testid) =>
    h("div", { class: "meta-item" }, h("dt", null, label), h("dd", { dataset: { testid } }, value));
  const oldest = queue.oldestWaitingAgeSeconds;
  return h("dl", { class: "meta" },
    item("Rate limit", rateLimit(queue.rateLimit), "rate"),
    item("Concurrency", queue.concurrency ? `at most ${count(queue.concurrency)} running` : "no cap", "concurrency"),
    item("Oldest waiting", oldest === null || oldest === undefined ? "none waiting" : seconds(oldest), "oldest"),
    item("Workers", queue.workers?.length ? queue.workers.map(shortWorker).join(", ") : "none", "workers"));
}

function shortWorker(id) {
  return id.length > 18 ? `${id.slice(0, 16)}…` : id;
}

/**
 * One card per queue. `handlers.select(queue, state)` opens the job list there;
 * `handlers.action(kind, queue)` runs pause, resume, retry-failed, clean or empty.
 */
export function drawQueues(container, queues, throughputOf, handlers) {
  if (queues.length === 0) {
    replace(container, h("div", { class: "card empty" }, "No queue yet: submit a job and it shows here."));
    return;
  }
  const total = (q) => STATES.reduce((sum, state) => sum + (q.counts?.[state] ?? 0), 0);
  const ordered = [...queues].sort((a, b) => Number(b.unserved) - Number(a.unserved) || Number(total(b) > 0) - Number(total(a) > 0) || a.name.localeCompare(b.name));
  replace(container, ordered.map((queue) => {
    const counts = queue.counts ?? {};
    const chips = STATES.map((state) =>
      h("button", {
        type: "button",
        class: `chip chip-${state}${counts[state] ? "" : " chip-zero"}`,
        dataset: { state, testid: `count-${state}` },
        title: `Show ${STATE_LABELS[state].toLowerCase()} jobs of ${queue.name}`,
        onclick: () => handlers.select(queue.name, state),
      }, h("span", { class: "chip-label" }, STATE_LABELS[state]), h("b", { class: "chip-value" }, count(counts[state] ?? 0))));
    const done = throughputOf(queue.name);
    const button = (kind, label, extra = "") =>
      h("button", { type: "button", class: `btn btn-small ${extra}`, dataset: { action: kind, testid: `queue-${kind}` }, onclick: () => handlers.action(kind, queue) }, label);
    return h("article", {
      class: `card queue-card${queue.unserved ? " queue-unserved" : ""}${queue.paused ? " queue-paused" : ""}`,
      dataset: { queue: queue.name, testid: `queue-${queue.name}` },
    },
      h("header", { class: "queue-head" },
        h("h3", { class: "queue-name" }, h("button", { type: "button", class: "link", onclick: () => handlers.select(queue.name, null) }, queue.name)),
        h("div", { class: "badges" }, badges(queue, queue.workers?.length ?? 0))),
      stateBar(counts),
      h("div", { class: "chips" }, chips),
      meta(queue),
      h("div", { class: "queue-spark" },
        sparkline(done.completed),
        h("span", { class: "muted small" }, `${count(sum(done.completed))} completed · ${count(sum(done.failed))} failed in this window`)),
      h("footer", { class: "queue-actions" },
        queue.paused ? button("resume", "Resume", "btn-primary") : button("pause", "Pause"),
        button("retry-failed", `Retry failed${counts.failed ? ` (${count(counts.failed)})` : ""}`),
        button("clean", "Clean…"),
        button("empty", "Empty…", "btn-danger-quiet")));
  }));
}

function sum(values) {
  return values.reduce((a, b) => a + b, 0);
}
