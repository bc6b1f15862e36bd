// Subscribes to one genqueue job with the official socket.io-client v4 and prints every
// event it receives as one JSON line {event, data}; exits 0 after job_completed, 1 on a
// connect error, job_failed, an error event or a refused subscription, 2 on its own timeout.
//
// usage: node subscribe.mjs <url> <token> <jobId> <websocket|polling-upgrade> [timeoutMs]
import { io } from "socket.io-client";

const [url, token, jobId, mode, timeoutArg] = process.argv.slice(2);
if (!url || !token || !jobId || !["websocket", "polling-upgrade"].includes(mode)) {
  console.error("usage: node subscribe.mjs <url> <token> <jobId> <websocket|polling-upgrade> [timeoutMs]");
  process.exit(64);
}
const timeoutMs = Number(timeoutArg ?? 20000);

const options = { auth: { token }, reconnection: false, timeout: timeoutMs };
if (mode === "websocket") options.transports = ["websocket"];
const socket = io(url, options);

function print(event, data) {
  process.stdout.write(JSON.stringify({ event, data }) + "\n");
}

function finish(code) {
  clearTimeout(timer);
  socket.disconnect();
  process.exitCode = code;
}

const timer = setTimeout(() => {
  print("timeout", { ms: timeoutMs });
  finish(2);
}, timeoutMs);

socket.on("connect_error", (err) => {
  print("connect_error", { message: err.message, data: err.data ?? null });
  finish(1);
});

socket.on("connection_confirmed", (data) => {
  print("connection_confirmed", data);
  socket.emit("subscribe_to_job", { jobId }, (ack) => {
    print("ack", ack);
    if (!ack || ack.ok !== true) finish(1);
  });
});

// The engine.io transport first opened, then any upgrade, then the Socket.IO connect.
socket.io.on("open", () => {
  print("open", { transport: socket.io.engine.transport.name });
  socket.io.engine.on("upgrade", (transport) => print("upgrade", { transport: transport.name }));
});
socket.on("connect", () => print("connect", { transport: socket.io.engine.transport.name }));

for (const name of ["job_status", "job_progress", "job_partial"]) {
  socket.on(name, (data) => print(name, data));
}
socket.on("job_completed", (data) => {
  print("job_completed", data);
  finish(0);
});
socket.on("job_failed", (data) => {
  print("job_failed", data);
  finish(1);
});
socket.on("error", (data) => {
  print("error", data);
  finish(1);
});
socket.on("disconnect", (reason) => {
  print("disconnect", { reason });
  if (process.exitCode === undefined) finish(1);
});
