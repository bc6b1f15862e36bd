import { useCallback, useEffect, useRef, useState, type ReactElement } from "react";
import { GenqueueClient, UnauthorizedError, errorMessage, type CharacterDetail } from "../../src/index.js";
import { GenqueueProvider, JobList, useGenqueueClient } from "../../src/react/index.js";
import { CharacterPanel } from "./panels/CharacterPanel.js";
import { DemoPanel } from "./panels/DemoPanel.js";
import { MediaPanel } from "./panels/MediaPanel.js";
import { SetPanel } from "./panels/SetPanel.js";
import { SnapPanel } from "./panels/SnapPanel.js";
import { StoryPanel } from "./panels/StoryPanel.js";
import { SubmittedContext } from "./parts/submitted.js";
import { SignIn } from "./SignIn.js";
import { storeToken, storedToken, tokenSubject } from "./token.js";

export interface AppProps {
  devLogin: boolean;
}

/** Asks the server whether a token works: null when it does, else why not. */
async function checkToken(token: string): Promise<string | null> {
  try {
    await new GenqueueClient({ token, retry: { maxRetries: 0 } }).credits();
    return null;
  } catch (error) {
    const reason = errorMessage(error);
    return error instanceof UnauthorizedError ? `That token was not accepted: ${reason}.` : reason;
  }
}

export function App({ devLogin }: AppProps): ReactElement {
  const [token, setToken] = useState<string | null>(() => storedToken());
  const [notice, setNotice] = useState<string | null>(null);

  const accept = useCallback(async (candidate: string): Promise<string | null> => {
    const problem = await checkToken(candidate);
    if (problem === null) {
      storeToken(candidate);
      setToken(candidate);
    }
    return problem;
  }, []);
  const signOut = useCallback((why: string | null) => {
    storeToken(null);
    setToken(null);
    setNotice(why);
  }, []);

  if (token === null) return <SignIn devLoginAvailable={devLogin} onToken={accept} notice={notice} />;
  return (
    <GenqueueProvider token={token}>
      <Workspace user={tokenSubject(token) ?? "signed in"} onSignOut={signOut} />
    </GenqueueProvider>
  );
}

/** The caller's balance; a token the server no longer accepts (`make run` makes a new dev
 * secret each time it starts) signs out with the reason. */
function useCredits(onRefused: (why: string) => void): { balance: number | null; refresh: () => void } {
  const client = useGenqueueClient();
  const [balance, setBalance] = useState<number | null>(null);
  const refused = useRef(onRefused);
  refused.current = onRefused;
  const refresh = useCallback(() => {
    client.credits().then(
      (credits) => setBalance(credits.balance),
      (error: unknown) => {
        setBalance(null);
        if (error instanceof UnauthorizedError) {
          refused.current(`The saved token is no longer accepted (${error.message}); sign in again.`);
        }
      },
    );
  }, [client]);
  useEffect(refresh, [refresh]);
  return { balance, refresh };
}

function Workspace({
  user,
  onSignOut,
}: {
  user: string;
  onSignOut: (why: string | null) => void;
}): ReactElement {
  const client = useGenqueueClient();
  const credits = useCredits(onSignOut);
  const [character, setCharacter] = useState<CharacterDetail | null>(null);
  const [submissions, setSubmissions] = useState(0);
  const submitted = useCallback(() => setSubmissions((n) => n + 1), []);
  const reloadCharacter = useCallback(() => {
    if (character) client.characters.get(character.id).then(setCharacter, () => undefined);
  }, [client, character]);

  return (
    <>
      <header className="topbar">
        <div className="brand">
          <img className="brand-mark" src="/webapp/static/favicon.svg" alt="" />
          <h1>genqueue demo</h1>
        </div>
        <div className="who">
          <span className="credits muted" data-testid="credits">
            {credits.balance === null ? "" : `${credits.balance} credits`}
          </span>
          <span data-testid="user">{user}</span>
          <button
            className="btn btn-small"
            type="button"
            data-testid="sign-out"
            onClick={() => onSignOut(null)}
          >
            Sign out
          </button>
        </div>
      </header>
      <SubmittedContext.Provider value={submitted}>
        <main className="layout" data-testid="panels">
          <CharacterPanel character={character} onCharacter={setCharacter} />
          <MediaPanel key={character?.id ?? "none"} character={character} onChanged={reloadCharacter} />
          <SetPanel character={character} />
          <StoryPanel onCharged={credits.refresh} />
          <SnapPanel />
          <DemoPanel />
          <section className="card jobs-panel" data-testid="jobs-panel">
            <div className="card-head">
              <h2>My jobs</h2>
              <span className="seed">GET /api/v1/jobs</span>
            </div>
            <JobList key={submissions} pageSize={8} refreshMs={1000} />
          </section>
        </main>
      </SubmittedContext.Provider>
    </>
  );
}
