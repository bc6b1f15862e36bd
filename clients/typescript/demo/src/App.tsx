import { useCallback, useState, type ReactElement } from "react";
import { SignIn } from "./SignIn.js";
import { storeToken, storedToken, tokenSubject } from "./token.js";

export interface AppProps {
  devLogin: boolean;
}

async function checkToken(token: string): Promise<string | null> {
  const response = await fetch("/api/v1/me/credits", { headers: { Authorization: `Bearer ${token}` } });
  if (response.ok) return null;
  const body = (await response.json().catch(() => null)) as { message?: string } | null;
  return `That token was not accepted: ${body?.message ?? response.status}.`;
}

export function App({ devLogin }: AppProps): ReactElement {
  const [token, setToken] = useState<string | null>(() => storedToken());

  const accept = useCallback(async (candidate: string): Promise<string | null> => {
    const problem = await checkToken(candidate);
    if (problem === null) {
      storeToken(candidate);
      setToken(candidate);
    }
    return problem;
  }, []);

  if (token === null) return <SignIn devLoginAvailable={devLogin} onToken={accept} />;
  return (
    <>
      <header className="topbar">
        <div className="brand">
          <img className="brand-mark" src="/webapp/static/favicon.svg" alt="" />
          <h1>genqueue demo</h1>
        </div>
        <div className="who">
          <span data-testid="user">{tokenSubject(token) ?? "signed in"}</span>
          <button
            className="btn btn-small"
            type="button"
            data-testid="sign-out"
            onClick={() => {
              storeToken(null);
              setToken(null);
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main className="layout" data-testid="panels" />
    </>
  );
}
