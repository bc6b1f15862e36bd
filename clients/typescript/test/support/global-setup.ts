/** vitest's global setup: one real genqueue server for every test file (see server.ts). */
import type { TestProject } from "vitest/node";
import { type RunningServer, mintToken, startServer } from "./server.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The shared server, e.g. http://127.0.0.1:41234. */
    baseUrl: string;
    /** Its JWT secret, to mint tokens for other users (see `tokenFor`). */
    jwtSecret: string;
    /** A token of user `ts-user`. */
    userToken: string;
    /** A token of admin `ts-admin`. */
    adminToken: string;
  }
}

let server: RunningServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startServer();
  project.provide("baseUrl", server.baseUrl);
  project.provide("jwtSecret", server.secret);
  project.provide("userToken", mintToken(server.secret, "ts-user"));
  project.provide("adminToken", mintToken(server.secret, "ts-admin", { admin: true }));
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
