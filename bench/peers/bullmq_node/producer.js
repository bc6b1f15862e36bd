// Submits no-op jobs to BullMQ: `queue.add` one at a time, or `queue.addBulk` in chunks.
import { Queue } from "bullmq";
import { BULK_CHUNK, QUEUE, connection, now, parseArgs } from "./common.js";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function enqueue(queue, jobs, bulk) {
  const start = performance.now();
  if (bulk) {
    for (let first = 0; first < jobs; first += BULK_CHUNK) {
      const size = Math.min(BULK_CHUNK, jobs - first);
      await queue.addBulk(Array.from({ length: size }, () => ({ name: "noop", data: { sent: 0 } })));
    }
  } else {
    for (let i = 0; i < jobs; i++) await queue.add("noop", { sent: 0 });
  }
  return (performance.now() - start) / 1000;
}

async function stream(queue, jobs, rate, idle) {
  await queue.add("noop", { sent: 0 }); // this connection's warm-up
  await sleep(idle * 1000);
  const begin = performance.now();
  for (let i = 0; i < jobs; i++) {
    await sleep(begin + (i * 1000) / rate - performance.now());
    await queue.add("noop", { sent: now() });
  }
  return (performance.now() - begin) / 1000;
}

const args = parseArgs(process.argv.slice(2));
const redis = connection(args.redis);
const queue = new Queue(QUEUE, { connection: redis, prefix: args.prefix });
const jobs = Number(args.jobs);
const seconds =
  args.command === "enqueue"
    ? await enqueue(queue, jobs, args.bulk)
    : await stream(queue, jobs, Number(args.rate), Number(args.idle));
await queue.close();
await redis.quit(); // BullMQ leaves a connection it was handed open
console.log(JSON.stringify({ jobs, seconds }));
