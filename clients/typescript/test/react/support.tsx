/** Helpers of the React tests: a client that records its requests (to see that an
 * unmounted hook sends none), a provider wrapper, and a small PNG to upload (png.ts). */
import type { ReactNode } from "react";
import { GenqueueClient, GenqueueSocket } from "../../src/index.js";
import { GenqueueProvider } from "../../src/react/index.js";
import { baseUrl, tokenFor } from "../support/context.js";
import { pngDataUrl } from "../support/png.js";

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

/** A client of the shared server as a new user (or as `sub`), with its requests recorded. */
export function recordedClient(
  refuse?: (url: string) => boolean,
  sub?: string,
): { client: GenqueueClient; log: RequestLog } {
  const { fetch: recorded, log } = recordingFetch(refuse);
  return { client: new GenqueueClient({ baseUrl: baseUrl(), token: tokenFor(sub), fetch: recorded }), log };
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

/** A 32×32 RGB PNG as a data URL (a photo for seed 004). */
export const photoDataUrl = (): string => pngDataUrl(32, 32, [90, 140, 200]);
