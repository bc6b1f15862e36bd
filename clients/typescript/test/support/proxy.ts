/**
 * A TCP proxy on loopback in front of a server, whose `cut()` destroys every open
 * connection at once: a dropped network as the client sees it (the server sees its
 * socket close too), while new connections keep working; `freeze()` stops forwarding on
 * the open connections without closing them: a half-open connection (a dead NAT entry, a
 * sleeping laptop) that neither side is told about.
 */
import { type Server, type Socket, connect, createServer } from "node:net";

/** A running proxy. */
export interface CuttableProxy {
  /** `http://127.0.0.1:<port>` of the proxy. */
  baseUrl: string;
  /** Connections made through it so far. */
  readonly connections: number;
  /** Destroys every open connection (both sides). */
  cut(): number;
  /** Stops forwarding in both directions on every open connection, closing none; new
   * connections are forwarded as usual. Answers how many it froze. */
  freeze(): number;
  close(): Promise<void>;
}

/** Options of {@link startProxy}. */
export interface ProxyOptions {
  /** Hold each new connection this long before forwarding it (a slow network). */
  connectDelayMs?: number;
}

/** A proxy to `target` (`http://127.0.0.1:<port>`). */
export async function startProxy(target: string, options: ProxyOptions = {}): Promise<CuttableProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  const pairs = new Set<[Socket, Socket]>();
  let connections = 0;
  const server: Server = createServer((client) => {
    connections++;
    const upstream = connect(Number(port), hostname);
    open.add(client);
    open.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
      pairs.delete(pair);
    };
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    const forward = (): void => {
      client.pipe(upstream);
      upstream.pipe(client);
    };
    if (options.connectDelayMs) {
      client.pause();
      upstream.pause();
      setTimeout(forward, options.connectDelayMs);
    } else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const proxyPort = typeof address === "object" && address !== null ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${proxyPort}`,
    get connections() {
      return connections;
    },
    cut() {
      const count = open.size / 2;
      for (const socket of [...open]) socket.destroy();
      open.clear();
      return count;
    },
    freeze() {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
      const count = pairs.size;
      pairs.clear();
      return count;
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
