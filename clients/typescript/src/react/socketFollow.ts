/** One way for the hooks to follow a job on the provider's pooled Socket.IO connection. */
import type { GenqueueClient } from "../client.js";
import type { JobHandlers } from "../socket.js";
import { socketPoolOf } from "./context.js";

/** ms for the pooled socket to connect and the server to accept the subscription;
 * past it, the follow fails (and the hooks poll instead). */
export const SOCKET_READY_MS = 5_000;

/** The follow in progress, as its handlers see it. */
export interface SocketRun {
  /** Ends the follow: resolves without an error, rejects with one; later calls do nothing. */
  finish(error?: unknown): void;
  /** True once the follow ended. */
  readonly finished: boolean;
}

/**
 * Follows job `jobId` on the client's pooled socket until a handler calls `finish` or
 * `signal` aborts, then unsubscribes and lets go of the socket. It fails when the
 * connection is refused (`connect_error`), the server refuses the subscription (or sends
 * an `error` for it), or no accepted subscription came within {@link SOCKET_READY_MS}.
 * `onAccepted` runs once the server accepted it: the moment from which no event is missed.
 */
export function followOnSocket(
  client: GenqueueClient,
  jobId: string,
  signal: AbortSignal,
  handlersOf: (run: SocketRun) => JobHandlers,
  onAccepted?: (run: SocketRun) => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const pool = socketPoolOf(client);
    const socket = pool.acquire();
    let finished = false;
    const run: SocketRun = {
      finish: (error?: unknown) => finish(error),
      get finished() {
        return finished;
      },
    };
    const onAbort = (): void => finish(signal.reason);
    const onConnectError = (error: Error): void => finish(error);
    const timer = setTimeout(
      () => finish(new Error(`Socket.IO did not accept the subscription within ${SOCKET_READY_MS} ms`)),
      SOCKET_READY_MS,
    );
    function finish(error?: unknown): void {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket.socket.off("connect_error", onConnectError);
      subscription.unsubscribe();
      pool.release();
      if (error === undefined) resolve();
      else reject(error);
    }
    signal.addEventListener("abort", onAbort, { once: true });
    socket.socket.on("connect_error", onConnectError);
    const handlers = handlersOf(run);
    const subscription = socket.subscribeToJob(jobId, {
      ...handlers,
      onError: (error) => {
        handlers.onError?.(error);
        finish(new Error(error.message));
      },
    });
    if (signal.aborted) {
      finish(signal.reason);
      return;
    }
    subscription.ready.then((ack) => {
      if (finished) return;
      if (!ack.ok) {
        finish(new Error(ack.error ?? "the subscription was refused"));
        return;
      }
      clearTimeout(timer);
      onAccepted?.(run);
    }, finish);
  });
}
