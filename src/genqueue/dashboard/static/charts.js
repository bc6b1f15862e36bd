// Charts drawn as inline SVG from the admin stats: throughput per minute (stacked bars),
// queue depth over time (lines), durations per job type (bars), and card sparklines.
// No library: a time axis, nice ticks and a hover readout are all they need.

import { h, replace, s } from "./dom.js";
import { clock, count, seconds } from "./format.js";

const HEIGHT = 190;
const MARGIN = { top: 12, right: 12, bottom: 24, left: 42 };
const MAX_BUCKETS = 90;

/** How many minutes one bar or point stands for, so a day still fits. */
export function bucketMinutes(minutes) {
  return Math.max(1, Math.ceil(minutes / MAX_BUCKETS));
}

/** The bucket start times (Unix s) of the window ending at `now`. */
function bucketTimes(minutes, now) {
  const step = bucketMinutes(minutes) * 60;
  const end = Math.floor(now / step) * step;
  const times = [];
  for (let t = end - (Math.ceil(minutes / (step / 60)) - 1) * step; t <= end; t += step) {
    times.push(t);
  }
  return { times, step };
}

function indexOf(times, step, minute) {
  const i = Math.floor((minute - times[0]) / step);
  return i >= 0 && i < times.length ? i : -1;
}

/** Completed and failed per bucket, summed over the queues `keep` accepts. */
export function throughputSeries(rows, keep, minutes, now) {
  const { times, step } = bucketTimes(minutes, now);
  const completed = times.map(() => 0);
  const failed = times.map(() => 0);
  for (const row of rows) {
    if (!keep(row.queue)) continue;
    const i = indexOf(times, step, row.minute);
    if (i < 0) continue;
    completed[i] += row.completed || 0;
    failed[i] += row.failed || 0;
  }
  return { times, step, completed, failed };
}

/** Waiting, active and delayed per bucket (the bucket's last sample of each queue,
 * summed over queues); null where no queue had a sample. */
export function depthSeries(rows, keep, minutes, now) {
  const { times, step } = bucketTimes(minutes, now);
  const last = new Map();
  for (const row of rows) {
    if (!keep(row.queue)) continue;
    const i = indexOf(times, step, row.minute);
    if (i < 0) continue;
    const key = `${i}\u0000${row.queue}`;
    const seen = last.get(key);
    if (!seen || seen.minute <= row.minute) last.set(key, { ...row, index: i });
  }
  const empty = () => times.map(() => null);
  const series = { waiting: empty(), active: empty(), delayed: empty() };
  for (const row of last.values()) {
    for (const name of Object.keys(series)) {
      series[name][row.index] = (series[name][row.index] ?? 0) + (row[name] || 0);
    }
  }
  return { times, step, ...series };
}

/** A rounded top for the axis and about four ticks under it. */
function niceTicks(max) {
  if (!(max > 0)) return { top: 1, ticks: [0, 1] };
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((v) => v >= rough);
  const wholeStep = max < 4 ? 1 : Math.max(1, Math.round(step));
  const top = Math.ceil(max / wholeStep) * wholeStep;
  const ticks = [];
  for (let v = 0; v <= top + 1e-9; v += wholeStep) ticks.push(v);
  return { top, ticks };
}

function frame(width, top, ticks, times) {
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const y = (v) => MARGIN.top + plotH - (v / top) * plotH;
  const band = plotW / times.length;
  const x = (i) => MARGIN.left + i * band;
  const grid = ticks.map((v) =>
    s("g", { class: "tick" },
      s("line", { x1: MARGIN.left, x2: width - MARGIN.right, y1: y(v), y2: y(v) }),
      s("text", { x: MARGIN.left - 8, y: y(v) + 4, "text-anchor": "end" }, count(v))));
  const every = Math.max(1, Math.ceil(times.length / Math.max(2, Math.floor(plotW / 80))));
  const labels = [];
  for (let i = times.length - 1; i >= 0; i -= every) {
    labels.push(s("text", { class: "axis-x", x: x(i) + band / 2, y: HEIGHT - 6, "text-anchor": "middle" },
      clock(times[i])));
  }
  return { plotW, plotH, y, x, band, grid, labels };
}

function hover(container, svg, f, times, step, describe) {
  const guide = s("line", { class: "guide", y1: MARGIN.top, y2: HEIGHT - MARGIN.bottom, visibility: "hidden" });
  const tip = h("div", { class: "chart-tip", hidden: true });
  const overlay = s("rect", {
    class: "overlay", x: MARGIN.left, y: MARGIN.top, width: f.plotW, height: f.plotH,
  });
  overlay.addEventListener("mousemove", (event) => {
    const box = svg.getBoundingClientRect();
    const px = ((event.clientX - box.left) / box.width) * svg.viewBox.baseVal.width;
    const i = Math.min(times.length - 1, Math.max(0, Math.floor((px - MARGIN.left) / f.band)));
    const cx = f.x(i) + f.band / 2;
    guide.setAttribute("x1", cx);
    guide.setAttribute("x2", cx);
    guide.setAttribute("visibility", "visible");
    const span = step > 60 ? `${clock(times[i])}–${clock(times[i] + step)}` : clock(times[i]);
    replace(tip, h("div", { class: "tip-time" }, span), describe(i));
    tip.hidden = false;
    const left = (cx / svg.viewBox.baseVal.width) * box.width;
    tip.classList.toggle("tip-left", left > box.width * 0.6);
    tip.style.left = `${left}px`;
  });
  overlay.addEventListener("mouseleave", () => {
    guide.setAttribute("visibility", "hidden");
    tip.hidden = true;
  });
  svg.append(guide, overlay);
  container.append(tip);
}

function tipRow(cls, label, value) {
  return h("div", { class: "tip-row" }, h("i", { class: `swatch ${cls}` }), label, h("b", null, value));
}

function emptyState(container, text) {
  replace(container, h("div", { class: "chart-empty" }, text));
}

function svgFor(width) {
  return s("svg", { viewBox: `0 0 ${width} ${HEIGHT}`, width: "100%", height: HEIGHT, role: "img" });
}

/** Stacked bars: completed under failed, per bucket. */
export function drawThroughput(container, series) {
  const totals = series.completed.map((c, i) => c + series.failed[i]);
  if (!totals.some((v) => v > 0)) {
    emptyState(container, "No job finished in this window yet.");
    return;
  }
  const width = Math.max(320, container.clientWidth);
  const { top, ticks } = niceTicks(Math.max(...totals));
  const f = frame(width, top, ticks, series.times);
  const svg = svgFor(width);
  svg.setAttribute("aria-label", `Jobs finished per ${series.step / 60} minute(s)`);
  const barW = Math.max(1, f.band * 0.72);
  const bars = series.times.map((_, i) => {
    const x = f.x(i) + (f.band - barW) / 2;
    const c = series.completed[i];
    const fl = series.failed[i];
    return s("g", null,
      c > 0 && s("rect", { class: "bar bar-completed", x, width: barW, y: f.y(c), height: f.y(0) - f.y(c), rx: Math.min(2, barW / 3) }),
      fl > 0 && s("rect", { class: "bar bar-failed", x, width: barW, y: f.y(c + fl), height: f.y(c) - f.y(c + fl), rx: Math.min(2, barW / 3) }));
  });
  svg.append(...f.grid, ...bars, ...f.labels);
  replace(container);
  container.append(svg);
  hover(container, svg, f, series.times, series.step, (i) => [
    tipRow("s-completed", "completed", count(series.completed[i])),
    tipRow("s-failed", "failed", count(series.failed[i])),
  ]);
}

const DEPTH_LINES = [
  ["waiting", "s-pending", "line-pending"],
  ["active", "s-active", "line-active"],
  ["delayed", "s-delayed", "line-delayed"],
];

/** Lines of waiting, active and delayed; gaps where no sample was taken. */
export function drawDepth(container, series) {
  const values = DEPTH_LINES.flatMap(([name]) => series[name]).filter((v) => v !== null);
  if (values.length === 0) {
    emptyState(container, "No depth samples yet: workers take one per queue each minute.");
    return;
  }
  const width = Math.max(320, container.clientWidth);
  const { top, ticks } = niceTicks(Math.max(1, ...values));
  const f = frame(width, top, ticks, series.times);
  const svg = svgFor(width);
  svg.setAttribute("aria-label", "Queue depth over time");
  const paths = [];
  for (const [name, , cls] of DEPTH_LINES) {
    let d = "";
    let open = false;
    series[name].forEach((v, i) => {
      if (v === null) {
        open = false;
        return;
      }
      d += `${open ? "L" : "M"}${(f.x(i) + f.band / 2).toFixed(1)},${f.y(v).toFixed(1)}`;
      open = true;
    });
    if (name === "waiting" && d) {
      paths.push(s("path", { class: "area-pending", d: areaOf(series[name], f) }));
    }
    paths.push(s("path", { class: `line ${cls}`, d }));
    const lone = series[name].map((v, i) => ({ v, i })).filter(({ v, i }) =>
      v !== null && series[name][i - 1] == null && series[name][i + 1] == null);
    for (const { v, i } of lone) {
      paths.push(s("circle", { class: `dot ${cls}`, cx: f.x(i) + f.band / 2, cy: f.y(v), r: 2.5 }));
    }
  }
  svg.append(...f.grid, ...paths, ...f.labels);
  replace(container);
  container.append(svg);
  hover(container, svg, f, series.times, series.step, (i) =>
    DEPTH_LINES.map(([name, swatch]) =>
      tipRow(swatch, name, series[name][i] === null ? "—" : count(series[name][i]))));
}

function areaOf(values, f) {
  let d = "";
  let start = null;
  let last = null;
  const close = () => {
    if (start !== null) d += `L${last.toFixed(1)},${f.y(0)}L${start.toFixed(1)},${f.y(0)}Z`;
    start = null;
  };
  values.forEach((v, i) => {
    const cx = f.x(i) + f.band / 2;
    if (v === null) {
      close();
      return;
    }
    d += `${start === null ? "M" : "L"}${cx.toFixed(1)},${f.y(v).toFixed(1)}`;
    if (start === null) start = cx;
    last = cx;
  });
  close();
  return d;
}

/** One row per job type: p99 behind p90 behind p50, on a shared scale. */
export function drawDurations(container, rows) {
  if (rows.length === 0) {
    emptyState(container, "No finished jobs to time in this window yet.");
    return;
  }
  const scale = Math.max(...rows.map((r) => r.p99 || 0), 0.001);
  const sorted = [...rows].sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
  const showQueue = new Set(rows.map((r) => r.type)).size !== rows.length || new Set(rows.map((r) => r.queue)).size > 1;
  replace(container, ...sorted.map((row) => {
    const track = h("div", { class: "dur-track" });
    for (const [key, cls] of [["p99", "dur-p99"], ["p90", "dur-p90"], ["p50", "dur-p50"]]) {
      const bar = h("div", { class: `dur-bar ${cls}`, title: `${key} ${seconds(row[key])}` });
      bar.style.width = `${Math.max(0.8, ((row[key] || 0) / scale) * 100)}%`;
      track.append(bar);
    }
    return h("div", { class: "dur-row", dataset: { type: row.type } },
      h("div", { class: "dur-label" },
        h("span", { class: "dur-type" }, row.type),
        h("span", { class: "muted small" }, showQueue ? `${row.queue} · ${count(row.count)} jobs` : `${count(row.count)} jobs`)),
      track,
      h("div", { class: "dur-values small" },
        h("span", null, h("b", null, seconds(row.p50)), " p50"),
        h("span", null, h("b", null, seconds(row.p90)), " p90"),
        h("span", null, h("b", null, seconds(row.p99)), " p99")));
  }));
}

/** A small line of completed per bucket, for a queue card. */
export function sparkline(values) {
  const width = 120;
  const height = 28;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`);
  return s("svg", { class: "spark", viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: "none", "aria-hidden": "true" },
    s("polyline", { class: "spark-area", points: `0,${height} ${points.join(" ")} ${width},${height}` }),
    s("polyline", { class: "spark-line", points: points.join(" ") }));
}
