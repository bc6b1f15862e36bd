// Live updates: the whole event feed over SSE (the browser sends the cookie along and
// resumes with Last-Event-ID after a drop), and a debounce that turns a burst of events
// into one refresh.

const KINDS = [
  "created", "active", "progress", "partial", "completed",
  "failed", "retrying", "cancelled", "stalled",
];

/**
 * A function that runs `task` once, `wait` ms after the last call, but at least every
 * `maxWait` ms while calls keep coming; never two at once (a call during a run queues
 * one more run).
 */
export function debounce(task, wait, maxWait) {
  let timer = null;
  let firstCall = null;
  let running = false;
  let again = false;

  async function run() {
    timer = null;
    firstCall = null;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await task();
    } finally {
      running = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  }

  function schedule() {
    const now = Date.now();
    if (firstCall === null) firstCall = now;
    clearTimeout(timer);
    const delay = Math.max(0, Math.min(wait, firstCall + maxWait - now));
    timer = setTimeout(run, delay);
  }
  return schedule;
}

/**
 * Opens the feed and calls `onEvent(kind, data)` per event and `onState(state)` with
 * "live", "reconnecting" or "closed".
 */
export function connect(url, { onEvent, onState }) {
  const source = new EventSource(url);
  source.addEventListener("open", () => onState("live"));
  source.addEventListener("error", () => {
    onState(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
  });
  for (const kind of KINDS) {
    source.addEventListener(kind, (message) => {
      let data = {};
      try {
        data = JSON.parse(message.data);
      } catch {
        data = {};
      }
      onEvent(kind, data);
    });
  }
  return source;
}
