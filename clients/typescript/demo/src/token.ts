/** The user's token, kept in localStorage so a reload stays signed in. */
const STORAGE_KEY = "genqueue.demo.token";

export function storedToken(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null): void {
  try {
    if (token === null) window.localStorage.removeItem(STORAGE_KEY);
    else window.localStorage.setItem(STORAGE_KEY, token);
  } catch {
    // Storage refused (private mode): the token lives for this page only.
  }
}

/** The user id (`sub`) a JWT names, read without checking it: the server checks it. */
export function tokenSubject(token: string): string | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const claims: unknown = JSON.parse(json);
    if (claims && typeof claims === "object" && "sub" in claims) {
      const sub = (claims as { sub: unknown }).sub;
      return typeof sub === "string" ? sub : null;
    }
  } catch {
    return null;
  }
  return null;
}

export interface DevLogin {
  token: string;
  user: string;
}

/** `POST /webapp/dev-login`: only there when `serve` made its own dev secret and listens
 * on loopback; the header proves a same-origin call (a cross-site one needs a preflight). */
export async function devLogin(): Promise<DevLogin> {
  const response = await fetch("/webapp/dev-login", {
    method: "POST",
    headers: { "X-Genqueue-Dev-Login": "1" },
  });
  if (!response.ok) throw new Error(`the dev sign-in answered ${response.status}`);
  return (await response.json()) as DevLogin;
}
