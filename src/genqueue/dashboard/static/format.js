// How numbers, times and ages read on the page.

export const STATES = ["pending", "delayed", "active", "completed", "failed", "cancelled"];
export const STATE_LABELS = {
  pending: "Pending",
  delayed: "Delayed",
  active: "Active",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
};

const NUMBER = new Intl.NumberFormat();

export function count(n) {
  return NUMBER.format(n ?? 0);
}

/** 0.042 → "42 ms", 75 → "1m 15s", 7200 → "2h 0m". */
export function seconds(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  if (value < 1) return `${Math.round(value * 1000)} ms`;
  if (value < 10) return `${value.toFixed(1)} s`;
  if (value < 60) return `${Math.round(value)} s`;
  const minutes = Math.floor(value / 60);
  if (minutes < 60) return `${minutes}m ${Math.round(value % 60)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

export function parseTime(iso) {
  if (!iso) return null;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? null : at;
}

/** "3m ago", "in 2h 5m", "just now" */
export function relative(iso, now = Date.now()) {
  const at = parseTime(iso);
  if (at === null) return "—";
  const delta = (at - now) / 1000;
  if (Math.abs(delta) < 5) return "just now";
  return delta < 0 ? `${seconds(-delta)} ago` : `in ${seconds(delta)}`;
}

export function absolute(iso) {
  const at = parseTime(iso);
  if (at === null) return "";
  return new Date(at).toLocaleString(undefined, {
    year: "numeric", month: "short", day: "numeric",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
}

export function clock(unixSeconds) {
  return new Date(unixSeconds * 1000).toLocaleTimeString(undefined, {
    hour: "2-digit", minute: "2-digit",
  });
}

export function between(fromIso, toIso) {
  const from = parseTime(fromIso);
  const to = parseTime(toIso);
  if (from === null || to === null) return null;
  return Math.max(0, (to - from) / 1000);
}

export function shortId(id) {
  return id.length > 13 ? `${id.slice(0, 8)}…` : id;
}

export function rateLimit(limit) {
  if (!limit) return "no rate limit";
  const max = limit.max ?? limit.maxStarts;
  const per = limit.perSeconds;
  const unit = per === 1 ? "s" : per === 60 ? "min" : per === 3600 ? "h" : `${per} s`;
  return `${count(max)} starts / ${unit}`;
}

export function json(value) {
  return JSON.stringify(value, null, 2);
}
