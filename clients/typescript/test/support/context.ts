/** What a test file needs of the shared server: its URL, tokens, and a client per user. */
import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { GenqueueClient } from "../../src/index.js";
import { mintToken } from "./server.js";

/** The shared server's base URL. */
export const baseUrl = (): string => inject("baseUrl");

/** A token for `sub` on the shared server (a new unique user when `sub` is omitted,
 * so tests do not share rate limits or credits). */
export function tokenFor(sub: string = `u-${randomUUID()}`, admin = false): string {
  return mintToken(inject("jwtSecret"), sub, { admin });
}

/** A client of the shared server as a new user (or as `sub`). */
export function clientFor(sub?: string, admin = false): GenqueueClient {
  return new GenqueueClient({ baseUrl: baseUrl(), token: tokenFor(sub, admin) });
}

/** A client of the shared server as the admin `ts-admin`. */
export function adminClient(): GenqueueClient {
  return new GenqueueClient({ baseUrl: baseUrl(), token: inject("adminToken") });
}
