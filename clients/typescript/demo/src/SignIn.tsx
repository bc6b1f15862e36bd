import { useState, type FormEvent, type ReactElement } from "react";
import { devLogin } from "./token.js";

export interface SignInProps {
  /** The server made its own dev secret, so it offers a dev-user token. */
  devLoginAvailable: boolean;
  /** Checks a token against the server; resolves to an error message, or null when it works. */
  onToken: (token: string) => Promise<string | null>;
  /** Why the last session ended, if the server ended it. */
  notice?: string | null;
}

/** Paste the token `genqueue serve` printed, or take the dev one. */
export function SignIn({ devLoginAvailable, onToken, notice = null }: SignInProps): ReactElement {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(notice);
  const [busy, setBusy] = useState(false);

  async function attempt(candidate: string): Promise<void> {
    setBusy(true);
    setError(await onToken(candidate));
    setBusy(false);
  }

  function submit(event: FormEvent): void {
    event.preventDefault();
    const trimmed = token.trim();
    if (!trimmed) {
      setError("Paste a token first.");
      return;
    }
    void attempt(trimmed);
  }

  async function useDevLogin(): Promise<void> {
    setBusy(true);
    try {
      const login = await devLogin();
      setError(await onToken(login.token));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
    setBusy(false);
  }

  return (
    <main className="signin" data-testid="signin">
      <section className="card signin-card">
        <h1>genqueue demo</h1>
        <p className="muted">
          Long-running generation jobs — characters, images, videos, 360° sets, stories and styled photos —
          submitted to this server and followed live.
        </p>
        <form onSubmit={submit}>
          <label htmlFor="token">User token</label>
          <textarea
            id="token"
            name="token"
            data-testid="token-input"
            rows={4}
            spellCheck={false}
            autoComplete="off"
            placeholder="eyJhbGciOi… (the “user token” line genqueue serve printed, or genqueue token --sub you)"
            value={token}
            onChange={(event) => setToken(event.target.value)}
          />
          <div className="row">
            <button className="btn btn-primary" type="submit" disabled={busy} data-testid="token-submit">
              Sign in
            </button>
            {devLoginAvailable ? (
              <button
                className="btn"
                type="button"
                disabled={busy}
                data-testid="dev-login"
                onClick={() => void useDevLogin()}
              >
                Sign in as dev-user
              </button>
            ) : null}
          </div>
        </form>
        {error ? (
          <p className="error" role="alert" data-testid="signin-error">
            {error}
          </p>
        ) : null}
        <p className="muted small">
          The token stays in this browser (localStorage) and is sent as a Bearer header to this server only.
        </p>
      </section>
    </main>
  );
}
