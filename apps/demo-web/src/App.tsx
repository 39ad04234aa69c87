import { useAuth } from "@org/auth-react";
import { ApiPanel } from "./ApiPanel.js";
import type { DemoConfig } from "./config.js";
import { displayName } from "./displayName.js";
import { SocketPanel } from "./SocketPanel.js";
import { StepUpPanel } from "./StepUpPanel.js";

/** The demo page: sign-in state, profile, API calls and a live WebSocket. */
export function App({ config }: { config: DemoConfig }) {
  const { status, user, error, login, logout } = useAuth();
  const signedIn = status === "authenticated";

  return (
    <main className="page">
      <header className="header">
        <h1>Oxaigen auth demo</h1>
        <span className={`badge badge-${status}`} data-testid="auth-status">
          {status}
        </span>
      </header>

      <section className="card">
        <h2>Session</h2>
        {signedIn ? (
          <div className="profile">
            {user ? (
              <>
                <p>
                  Signed in as <strong data-testid="user-name">{displayName(user)}</strong>
                </p>
                <p className="muted" data-testid="user-email">
                  {user.email ?? "(no email)"}
                </p>
              </>
            ) : (
              <p className="muted">Loading your profile…</p>
            )}
            <button type="button" data-testid="sign-out" onClick={() => void logout()}>
              Sign out
            </button>
          </div>
        ) : (
          <div className="profile">
            <p className="muted">
              {status === "loading" ? "Checking your session…" : "You are not signed in."}
            </p>
            <button
              type="button"
              className="primary"
              data-testid="sign-in"
              disabled={status === "loading"}
              onClick={() => void login().catch(() => undefined)}
            >
              Sign in
            </button>
          </div>
        )}
        {error ? (
          <p className="error" data-testid="auth-error">
            {error.message}
          </p>
        ) : null}
      </section>

      <ApiPanel apiUrl={config.apiUrl} cacheSeconds={config.apiCacheSeconds} />
      <StepUpPanel apiUrl={config.apiUrl} />
      <SocketPanel apiUrl={config.apiUrl} enabled={signedIn} />

      <footer className="muted small">
        auth API <code>{config.authApiUrl}</code> · demo API <code>{config.apiUrl}</code>
      </footer>
    </main>
  );
}
