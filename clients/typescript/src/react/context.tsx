import { createContext, useContext, useMemo, useRef, type ReactElement, type ReactNode } from "react";
import { GenqueueClient } from "../client.js";
import type { GenqueueSocket } from "../socket.js";

/**
 * One Socket.IO connection shared by every hook under a provider: opened by the first
 * hook that needs it, closed when the last one lets go (the server caps sockets per user).
 */
export class SocketPool {
  private socket: GenqueueSocket | null = null;
  private users = 0;

  constructor(private readonly client: GenqueueClient) {}

  /** The open socket, or null when no hook holds one. */
  get current(): GenqueueSocket | null {
    return this.socket;
  }

  acquire(): GenqueueSocket {
    this.socket ??= this.client.socket();
    this.users++;
    return this.socket;
  }

  release(): void {
    this.users = Math.max(0, this.users - 1);
    if (this.users === 0 && this.socket !== null) {
      this.socket.close();
      this.socket = null;
    }
  }
}

interface GenqueueContextValue {
  client: GenqueueClient;
}

const GenqueueContext = createContext<GenqueueContextValue | null>(null);
const pools = new WeakMap<GenqueueClient, SocketPool>();

/** The socket pool of a client (one per client, wherever it is used). */
export function socketPoolOf(client: GenqueueClient): SocketPool {
  let pool = pools.get(client);
  if (pool === undefined) {
    pool = new SocketPool(client);
    pools.set(client, pool);
  }
  return pool;
}

export type GenqueueProviderProps =
  | { client: GenqueueClient; children?: ReactNode }
  | { baseUrl?: string; token: string | (() => string | undefined); children?: ReactNode };

/** Puts a client in context for the hooks below: a given one, or one made from
 * `baseUrl` (default: the page's origin) and `token`. A new token (or token function)
 * is used from the next request on; it does not restart the hooks. */
export function GenqueueProvider(props: GenqueueProviderProps): ReactElement {
  const given = "client" in props ? props.client : null;
  const baseUrl = "client" in props ? undefined : props.baseUrl;
  const tokenRef = useRef<string | (() => string | undefined) | undefined>(undefined);
  tokenRef.current = "client" in props ? undefined : props.token;
  const client = useMemo(() => {
    if (given !== null) return given;
    const token = (): string | undefined => {
      const current = tokenRef.current;
      return typeof current === "function" ? current() : current;
    };
    return new GenqueueClient({ baseUrl: baseUrl ?? "", token });
  }, [given, baseUrl]);
  const value = useMemo(() => ({ client }), [client]);
  return <GenqueueContext.Provider value={value}>{props.children}</GenqueueContext.Provider>;
}

/** The provider's client; throws outside a {@link GenqueueProvider}. */
export function useGenqueueClient(): GenqueueClient {
  const value = useContext(GenqueueContext);
  if (value === null) {
    throw new Error("useGenqueueClient needs a <GenqueueProvider> above it (or pass a client)");
  }
  return value.client;
}

/** A client from an argument (a client, or a token for the provider's server), else the
 * provider's. Seed 000's hooks take `token`; a client works as well. */
export function useClientOf(tokenOrClient?: string | GenqueueClient | null): GenqueueClient {
  const value = useContext(GenqueueContext);
  const baseUrl = value?.client.httpClient.baseUrl ?? "";
  const made = useMemo(
    () =>
      typeof tokenOrClient === "string" ? new GenqueueClient({ baseUrl, token: tokenOrClient }) : null,
    [tokenOrClient, baseUrl],
  );
  if (tokenOrClient instanceof GenqueueClient) return tokenOrClient;
  if (made !== null) return made;
  if (value === null) {
    throw new Error("pass a token or a client, or put a <GenqueueProvider> above this component");
  }
  return value.client;
}
