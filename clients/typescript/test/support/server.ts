/**
 * A real `genqueue serve` process on a free loopback port, with a temp SQLite store, a
 * known JWT secret, fast local generators and embedded workers; and tokens for it.
 * The global setup starts one for every test file; a test that needs other settings
 * (a low rate limit) starts its own with `startServer({ env })`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The repository's genqueue (`make .venv`), or GENQUEUE_BIN. */
export const GENQUEUE_BIN = process.env.GENQUEUE_BIN ?? resolve(PACKAGE_DIR, "../../.venv/bin/genqueue");
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

/** A running server. */
export interface RunningServer {
  baseUrl: string;
  port: number;
  secret: string;
  /** The server's output so far (stdout and stderr). */
  log(): string;
  stop(): Promise<void>;
}

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** Extra environment (GENQUEUE_SUBMIT_RATE, GENQUEUE_WORKERS …). */
  env?: Record<string, string>;
  /** The JWT secret (default: random). */
  secret?: string;
}

/** A port nobody listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/** Starts `genqueue serve` and waits until `/ready` answers 200. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const secret = options.secret ?? randomBytes(24).toString("hex");
  const dir = mkdtempSync(join(tmpdir(), "genqueue-ts-"));
  const port = await freePort();
  const logPath = join(dir, "server.log");
  const out = openSync(logPath, "a");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GENQUEUE_STORE_URL: `sqlite:///${join(dir, "genqueue.db")}`,
    GENQUEUE_JWT_SECRET: secret,
    GENQUEUE_LOCAL_STEP_SECONDS: "0.02",
    GENQUEUE_WORKERS: "4",
    GENQUEUE_ASSETS_DIR: join(dir, "assets"),
    GENQUEUE_SHUTDOWN_GRACE: "1",
    GENQUEUE_LOG_LEVEL: "warning",
    ...options.env,
  };
  const child: ChildProcess = spawn(
    GENQUEUE_BIN,
    ["serve", "--host", "127.0.0.1", "--port", String(port)],
    { env, stdio: ["ignore", out, out] },
  );
  const log = (): string => {
    try {
      return readFileSync(logPath, "utf8");
    } catch {
      return "";
    }
  };
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (exited) throw new Error(`genqueue serve exited before it was ready:\n${log()}`);
    try {
      const response = await fetch(`${baseUrl}/ready`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > READY_TIMEOUT_MS) {
      child.kill("SIGKILL");
      throw new Error(`genqueue serve was not ready within ${READY_TIMEOUT_MS} ms:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async (): Promise<void> => {
    if (!exited) {
      const gone = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await gone;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { baseUrl, port, secret, log, stop };
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

/** An HS256 JWT as genqueue checks it: `sub`, `exp`, and `role: admin` for admins. */
export function mintToken(
  secret: string,
  sub: string,
  options: { admin?: boolean; ttlSeconds?: number } = {},
): string {
  const claims: Record<string, unknown> = {
    sub,
    exp: Math.floor(Date.now() / 1000) + (options.ttlSeconds ?? 3600),
  };
  if (options.admin) claims.role = "admin";
  const head = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = base64url(JSON.stringify(claims));
  const signature = createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${signature}`;
}
