// The Node side of bench/peers/common.py: the same CLI, the same stamp lines.
//   node producer.js --redis URL [--prefix P] [--variant V] enqueue --jobs N [--bulk]
//   node producer.js --redis URL ... stream --jobs N --rate R --idle S
//   node worker.js --redis URL [--prefix P] [--variant V] worker
import { openSync, writeSync } from "node:fs";
import IORedis from "ioredis";

export const QUEUE = "bench";
export const BULK_CHUNK = 1000;

export function parseArgs(argv) {
  const args = { prefix: "bench", variant: "", bulk: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--bulk") args.bulk = true;
    else if (arg.startsWith("--")) args[arg.slice(2)] = argv[++i];
    else args.command = arg;
  }
  if (!args.redis || !args.command) throw new Error("usage: --redis URL COMMAND [options]");
  return args;
}

// Under ESM, BullMQ wants a client it can duplicate rather than connection options.
export function connection(url) {
  return new IORedis(url, { maxRetriesPerRequest: null });
}

// Unix seconds with sub-millisecond digits (Date.now() has whole milliseconds only).
export const now = () => (performance.timeOrigin + performance.now()) / 1000;

let fd = null;

// One line `sent start end` (Unix seconds) per job, one unbuffered write, as in common.py.
export function record(sent) {
  const start = now();
  if (fd === null) fd = openSync(process.env.BENCH_STAMPS, "a");
  writeSync(fd, `${sent} ${start} ${now()}\n`);
}
