/** Helpers of the React tests: a client that records its requests (to see that an
 * unmounted hook sends none), a provider wrapper, and a small PNG to upload. */
import type { ReactNode } from "react";
import { deflateSync } from "node:zlib";
import { GenqueueClient, GenqueueSocket } from "../../src/index.js";
import { GenqueueProvider } from "../../src/react/index.js";
import { baseUrl, tokenFor } from "../support/context.js";

export interface RequestLog {
  /** Every request as `METHOD path`, in the order they were sent. */
  readonly sent: string[];
  /** Event-stream requests whose body is still open (not aborted, not finished). */
  openStreams(): number;
}

/** Wraps fetch to record each request; `refuse(url)` makes the network fail for it. */
export function recordingFetch(refuse?: (url: string) => boolean): { fetch: typeof fetch; log: RequestLog } {
  const sent: string[] = [];
  let open = 0;
  const wrapped = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const path = new URL(url).pathname;
    sent.push(`${init?.method ?? "GET"} ${path}`);
    if (refuse?.(url)) throw new TypeError(`fetch failed: ${path} is refused by this test's network`);
    const response = await fetch(input, init);
    if (!path.endsWith("/events") || response.body === null) return response;
    open++;
    let closed = false;
    const close = (): void => {
      if (!closed) {
        closed = true;
        open--;
      }
    };
    init?.signal?.addEventListener("abort", close, { once: true });
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { value, done } = await reader.read();
          if (done) {
            close();
            controller.close();
          } else controller.enqueue(value);
        } catch (error) {
          close();
          controller.error(error);
        }
      },
      cancel(reason) {
        close();
        return reader.cancel(reason);
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { fetch: wrapped as typeof fetch, log: { sent, openStreams: () => open } };
}

/** A client of the shared server as a new user, with its requests recorded. */
export function recordedClient(refuse?: (url: string) => boolean): { client: GenqueueClient; log: RequestLog } {
  const { fetch: recorded, log } = recordingFetch(refuse);
  return { client: new GenqueueClient({ baseUrl: baseUrl(), token: tokenFor(), fetch: recorded }), log };
}

/** A client of the shared server (requests recorded) whose Socket.IO goes to a port
 * nobody listens on: push fails, the HTTP API answers. */
export function clientWithoutSocket(): { client: GenqueueClient; log: RequestLog } {
  const { fetch: recorded, log } = recordingFetch();
  const token = tokenFor();
  class NoSocketClient extends GenqueueClient {
    override socket(): GenqueueSocket {
      return new GenqueueSocket({ baseUrl: "http://127.0.0.1:9", token, socketOptions: { reconnection: false } });
    }
  }
  return { client: new NoSocketClient({ baseUrl: baseUrl(), token, fetch: recorded }), log };
}

export function providerOf(client: GenqueueClient) {
  return function Wrapper({ children }: { children: ReactNode }) {
    return <GenqueueProvider client={client}>{children}</GenqueueProvider>;
  };
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A 32×32 RGB PNG as a data URL (a photo for seed 004). */
export function photoDataUrl(): string {
  const size = 32;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows: number[] = [];
  for (let y = 0; y < size; y++) {
    rows.push(0);
    for (let x = 0; x < size; x++) rows.push(x * 8, y * 8, 128);
  }
  const png = Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.from(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
  return `data:image/png;base64,${png.toString("base64")}`;
}
