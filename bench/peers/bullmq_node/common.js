// The Node side of bench/peers/common.py: the same CLI, the same stamp lines.
//   node producer.js --redis URL [--prefix P] [--variant V] enqueue --jobs N [--bulk]
//   node producer.js --redis URL ... stream --jobs N --rate R --idle S
//   node worker.js --redis URL [--prefix P] [--variant V] worker
import { openSync, writeSync } from "node:fs";

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

// BullMQ takes ioredis options; redis://host:port/db is parsed here.
export function connection(url) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    db: Number(parsed.pathname.slice(1) || 0),
    maxRetriesPerRequest: null,
  };
}

let fd = null;

// One line `sent start end` (Unix seconds) per job, one unbuffered write, as in common.py.
export function record(sent) {
  const start = Date.now() / 1000;
  if (fd === null) fd = openSync(process.env.BENCH_STAMPS, "a");
  writeSync(fd, `${sent} ${start} ${Date.now() / 1000}\n`);
}
