import { StepUpRequiredError, useAuth, useAuthFetch } from "@org/auth-react";
import { useEffect, useState } from "react";

type Outcome = { status: number | "error"; body: string } | "pending" | undefined;

/**
 * The dangerous action: the demo API asks for a recent multi-factor sign-in (RFC 9470 step-up);
 * `AuthProvider stepUp="popup"` makes the SDK sign in again in a popup and retry once. Not keyed
 * by session like the API panel: the step-up is a sign-in, and its answer belongs on screen. It
 * clears when the user signs out.
 */
export function StepUpPanel({ apiUrl }: { apiUrl: string }) {
  const authFetch = useAuthFetch();
  const { status } = useAuth();
  const [outcome, setOutcome] = useState<Outcome>();
  useEffect(() => {
    if (status === "anonymous") setOutcome(undefined);
  }, [status]);

  async function deleteWorkspace() {
    setOutcome("pending");
    try {
      const response = await authFetch(`${apiUrl}/v1/workspace/delete`, { method: "POST" });
      setOutcome({ status: response.status, body: await response.text() });
    } catch (error) {
      const body =
        error instanceof StepUpRequiredError
          ? `Step-up needed: acr ${error.acrValues.join(" ") || "any"}, max age ${error.maxAge ?? "any"}`
          : error instanceof Error
            ? error.message
            : String(error);
      setOutcome({ status: "error", body });
    }
  }

  return (
    <section className="card">
      <h2>Dangerous action</h2>
      <p className="muted small">
        Deleting the workspace needs a multi-factor sign-in of the last few minutes: the API answers
        401 <code>insufficient_user_authentication</code> and the SDK signs you in again (the mock
        approves the extra step), then retries.
      </p>
      <div className="call">
        <button type="button" data-testid="call-delete" onClick={() => void deleteWorkspace()}>
          POST /v1/workspace/delete
        </button>
        {outcome === "pending" ? (
          <span className="muted" data-testid="delete-status" data-status="pending">
            …
          </span>
        ) : outcome ? (
          <>
            <span
              className={`status status-${outcome.status === 200 ? "ok" : "fail"}`}
              data-testid="delete-status"
              data-status={String(outcome.status)}
            >
              {outcome.status}
            </span>
            <pre className="body" data-testid="delete-body">
              {outcome.body}
            </pre>
          </>
        ) : null}
      </div>
    </section>
  );
}
