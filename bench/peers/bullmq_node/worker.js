// One BullMQ worker process running the no-op until SIGTERM; concurrency 100 unless --variant.
import { Worker } from "bullmq";
import { QUEUE, connection, parseArgs, record } from "./common.js";

const CONCURRENCY = 100;
const args = parseArgs(process.argv.slice(2));
const redis = connection(args.redis);
const worker = new Worker(QUEUE, async (job) => record(job.data.sent), {
  connection: redis,
  prefix: args.prefix,
  concurrency: Number(args.variant || CONCURRENCY),
});
worker.on("error", (err) => console.error(err));

const stop = async () => {
  await worker.close();
  await redis.quit();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
