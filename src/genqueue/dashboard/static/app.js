// The dashboard page: loads the stats, the workers and the job list from the admin API,
// draws them, and keeps them current from the live event feed (debounced refreshes),
// with a slow poll as a safety net for what the feed does not carry (worker liveness).

import { api, onUnauthorized } from "./api.js";
import { runJobAction, runQueueAction } from "./actions.js";
import { connect, debounce } from "./live.js";
import { $, h, replace } from "./dom.js";
import { count, relative } from "./format.js";
import { depthSeries, drawDepth, drawDurations, drawThroughput, throughputSeries } from "./charts.js";
import { drawQueues, drawTiles } from "./queues.js";
import { drawPager, drawRows, drawTabs } from "./jobs.js";
import { closeDetail, drawDetail, drawMissing, updateProgress } from "./detail.js";

const PAGE_SIZE = 20;
const POLL_MS = 15000;
const view = {
  minutes: 60,
  stats: null,
  workers: [],
  queue: "",
  chartQueue: "",
  status: null,
  search: "",
  skip: 0,
  openJob: null,
};

function now() {
  return Date.now() / 1000;
}

function keepQueue(name) {
  return (queue) => !name || queue === name;
}

function drawCharts() {
  const stats = view.stats;
  if (!stats) return;
  const keep = keepQueue(view.chartQueue);
  drawThroughput($("#chart-throughput"), throughputSeries(stats.throughput ?? [], keep, view.minutes, now()));
  drawDepth($("#chart-depth"), depthSeries(stats.depth ?? [], keep, view.minutes, now()));
  drawDurations($("#chart-durations"), (stats.durations ?? []).filter((row) => keep(row.queue)));
}

function fillSelect(select, names, current) {
  const options = [h("option", { value: "" }, "every queue"), ...names.map((n) => h("option", { value: n }, n))];
  replace(select, options);
  select.value = names.includes(current) ? current : "";
}

function drawOverview() {
  const queues = view.stats?.queues ?? [];
  drawTiles($("#tiles"), queues, view.workers);
  const throughput = view.stats?.throughput ?? [];
  drawQueues($("#queues"), queues, (name) => throughputSeries(throughput, keepQueue(name), view.minutes, now()), {
    select: (name, state) => selectJobs(name, state),
    action: async (kind, queue) => {
      if (await runQueueAction(kind, queue)) refreshAll();
    },
  });
  const names = queues.map((q) => q.name);
  fillSelect($("#job-queue"), names, view.queue);
  fillSelect($("#chart-queue"), names, view.chartQueue);
  drawCharts();
  const counts = {};
  for (const queue of queues) {
    if (view.queue && queue.name !== view.queue) continue;
    for (const [state, n] of Object.entries(queue.counts ?? {})) counts[state] = (counts[state] ?? 0) + n;
  }
  drawTabs($("#state-tabs"), counts, view.status, (state) => {
    view.status = state;
    view.skip = 0;
    refreshJobs();
  });
  $("#updated").textContent = `Updated ${new Date().toLocaleTimeString()}`;
}

function drawWorkers() {
  const rows = view.workers.map((w) =>
    h("tr", { class: w.alive ? "" : "worker-dead", dataset: { testid: "worker-row" } },
      h("td", { class: "mono" }, w.id),
      h("td", null, `${w.host} · ${w.pid}`),
      h("td", null, (w.queues ?? []).join(", ") || "every queue"),
      h("td", { class: "num" }, `${count(w.running)} / ${count(w.concurrency)}`),
      h("td", null, relative(w.startedAt)),
      h("td", null, relative(w.lastSeenAt)),
      h("td", null, h("span", { class: `status ${w.alive ? "status-completed" : "status-failed"}` }, w.alive ? "alive" : "gone"))));
  replace($("#worker-rows"), rows.length ? rows : h("tr", { class: "empty-row" }, h("td", { colspan: "7" }, "No worker has reported in.")));
  const alive = view.workers.filter((w) => w.alive).length;
  $("#workers-summary").textContent = `${count(alive)} alive of ${count(view.workers.length)}`;
}

function showError(error) {
  if (error.status === 401) return;
  const banner = $("#banner");
  banner.hidden = false;
  replace(banner, `Could not load: ${error.message}`);
}

async function refreshOverview() {
  try {
    const [stats, workers] = await Promise.all([api.stats(view.minutes), api.workers()]);
    view.stats = stats.data;
    view.workers = workers.data ?? [];
    $("#banner").hidden = true;
    drawOverview();
    drawWorkers();
  } catch (error) {
    showError(error);
  }
}

function searchParams() {
  const text = view.search.trim();
  const params = { queue: view.queue, status: view.status, limit: PAGE_SIZE, skip: view.skip };
  if (/^[^=\s]+=.+$/.test(text)) params.tag = text;
  else params.q = text;
  return params;
}

async function refreshJobs() {
  try {
    const answer = await api.jobs(searchParams());
    const { jobs, total } = answer.data;
    drawRows($("#job-rows"), jobs, {
      open: openJob,
      act: jobAction,
      emptyText: view.search ? "No job matches this search." : "No jobs in this state.",
    });
    drawPager($("#page-info"), $("#prev"), $("#next"), { total, skip: view.skip, shown: jobs.length, limit: PAGE_SIZE });
  } catch (error) {
    showError(error);
  }
}

async function refreshDetail() {
  if (!view.openJob) return;
  try {
    const answer = await api.job(view.openJob);
    if (view.openJob === answer.data.jobId) drawDetail(answer.data, jobAction);
  } catch (error) {
    if (error.status === 404) drawMissing(view.openJob);
    else showError(error);
  }
}

async function jobAction(kind, job) {
  if (await runJobAction(kind, job)) refreshAll();
}

function openJob(jobId) {
  view.openJob = jobId;
  refreshDetail();
}

function selectJobs(queue, state) {
  view.queue = queue ?? "";
  view.status = state;
  view.skip = 0;
  drawOverview();
  refreshJobs();
  $("#jobs-title").scrollIntoView({ behavior: "smooth", block: "start" });
}

const refreshAll = debounce(() => Promise.all([refreshOverview(), refreshJobs(), refreshDetail()]), 300, 1200);

function setLive(state) {
  const live = $("#live");
  live.dataset.state = state;
  $(".live-text", live).textContent = { live: "Live", reconnecting: "Reconnecting", closed: "Offline" }[state] ?? state;
}

function startLive() {
  const source = connect("/api/v1/admin/events", {
    onEvent: (kind, data) => {
      if (kind === "progress" && data.jobId) updateProgress(data.jobId, data, "active");
      refreshAll();
    },
    onState: (state) => {
      setLive(state);
      if (state === "live") refreshAll();
      if (state === "closed") {
        source.close();
        setTimeout(startLive, 5000);
      }
    },
  });
}

const THEMES = ["auto", "light", "dark"];

function applyTheme(theme) {
  if (theme === "auto") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  $("#theme").textContent = `Theme: ${theme}`;
  localStorage.setItem("genqueue-theme", theme);
  drawCharts();
}

function wire() {
  onUnauthorized(() => {
    const banner = $("#banner");
    banner.hidden = false;
    replace(banner, "Your session has ended. ", h("a", { href: "/admin/queues" }, "Sign in again"));
  });
  $("#window").addEventListener("change", (event) => {
    view.minutes = Number(event.target.value);
    refreshOverview();
  });
  $("#job-queue").addEventListener("change", (event) => selectJobs(event.target.value, view.status));
  $("#chart-queue").addEventListener("change", (event) => {
    view.chartQueue = event.target.value;
    drawCharts();
  });
  const search = debounce(() => {
    view.skip = 0;
    return refreshJobs();
  }, 250, 1000);
  $("#search").addEventListener("input", (event) => {
    view.search = event.target.value;
    search();
  });
  $("#prev").addEventListener("click", () => {
    view.skip = Math.max(0, view.skip - PAGE_SIZE);
    refreshJobs();
  });
  $("#next").addEventListener("click", () => {
    view.skip += PAGE_SIZE;
    refreshJobs();
  });
  $("#detail-close").addEventListener("click", () => {
    view.openJob = null;
    closeDetail();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !$("#confirm").open && view.openJob) {
      view.openJob = null;
      closeDetail();
    }
  });
  $("#theme").addEventListener("click", () => {
    const current = localStorage.getItem("genqueue-theme") ?? "auto";
    applyTheme(THEMES[(THEMES.indexOf(current) + 1) % THEMES.length]);
  });
  new ResizeObserver(debounce(drawCharts, 150, 500)).observe($(".charts"));
}

wire();
applyTheme(localStorage.getItem("genqueue-theme") ?? "auto");
refreshOverview();
refreshJobs();
startLive();
setInterval(refreshOverview, POLL_MS);
