// The admin API, called with the dashboard cookie (same origin). Every state-changing
// request carries X-Genqueue-Dashboard: 1, which the server demands of cookie requests
// so that no other site can make them.

export class ApiError extends Error {
  constructor(status, message, data) {
    super(message);
    this.status = status;
    this.data = data;
  }
}

const unauthorizedListeners = new Set();

/** `fn` runs when the session has ended (any 401). */
export function onUnauthorized(fn) {
  unauthorizedListeners.add(fn);
}

async function call(method, path, body) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") headers["X-Genqueue-Dashboard"] = "1";
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (error) {
    throw new ApiError(0, `The server did not answer (${error.message})`, null);
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (response.status === 401) unauthorizedListeners.forEach((fn) => fn());
  if (!response.ok || !payload || payload.success === false) {
    const message = payload?.message || `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, message, payload?.data ?? null);
  }
  return payload;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

const enc = encodeURIComponent;

export const api = {
  stats: (minutes) => call("GET", `/api/v1/admin/stats${query({ minutes })}`),
  workers: () => call("GET", "/api/v1/admin/workers"),
  jobs: (params) => call("GET", `/api/v1/admin/jobs${query(params)}`),
  job: (id) => call("GET", `/api/v1/admin/jobs/${enc(id)}`),
  retry: (id) => call("POST", `/api/v1/jobs/${enc(id)}/retry`),
  cancel: (id) => call("DELETE", `/api/v1/jobs/${enc(id)}`),
  remove: (id) => call("DELETE", `/api/v1/admin/jobs/${enc(id)}`),
  promote: (id) => call("POST", `/api/v1/admin/jobs/${enc(id)}/promote`),
  pause: (queue) => call("POST", `/api/v1/queues/${enc(queue)}/pause`),
  resume: (queue) => call("POST", `/api/v1/queues/${enc(queue)}/resume`),
  retryFailed: (queue) => call("POST", `/api/v1/queues/${enc(queue)}/retry-failed`),
  clean: (queue, status, olderThanSeconds) =>
    call("POST", `/api/v1/queues/${enc(queue)}/clean`, { status, olderThanSeconds }),
  empty: (queue) => call("POST", `/api/v1/queues/${enc(queue)}/empty`),
};
