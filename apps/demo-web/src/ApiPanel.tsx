import { useAuthClient, useAuthFetch } from "@org/auth-react";
import { useState, useSyncExternalStore } from "react";

interface CallResult {
  status: number | "error";
  body: string;
}

const ROUTES = [
  { id: "me", path: "/v1/me", label: "GET /v1/me" },
  { id: "audit", path: "/v1/audit", label: "GET /v1/audit (needs “audit”)" },
  { id: "maybe-public", path: "/v1/maybe-public", label: "GET /v1/maybe-public" },
] as const;

interface ApiPanelProps {
  apiUrl: string;
  /** The demo API's cache TTL, to say how long a run-time grant takes; undefined when unknown. */
  cacheSeconds: number | undefined;
}

/**
 * Buttons that call the demo API with the SDK's fetch (Bearer token attached for the API origin).
 * Results belong to one session: a sign-in or sign-out starts the panel afresh, so nothing from
 * the previous user stays on screen and a late answer cannot land in the new session.
 */
export function ApiPanel(props: ApiPanelProps) {
  const client = useAuthClient();
  const session = useSyncExternalStore(client.subscribe, () => client.getSnapshot().session);
  return <ApiCalls key={session} {...props} />;
}

function ApiCalls({ apiUrl, cacheSeconds }: ApiPanelProps) {
  const authFetch = useAuthFetch();
  const [results, setResults] = useState<Record<string, CallResult | "pending">>({});

  async function call(id: string, path: string) {
    setResults((previous) => ({ ...previous, [id]: "pending" }));
    let result: CallResult;
    try {
      const response = await authFetch(`${apiUrl}${path}`);
      result = { status: response.status, body: await response.text() };
    } catch (error) {
      result = { status: "error", body: error instanceof Error ? error.message : String(error) };
    }
    setResults((previous) => ({ ...previous, [id]: result }));
  }

  return (
    <section className="card">
      <h2>Demo API</h2>
      <p className="muted small">
        Calls carry <code>Authorization: Bearer …</code> (added by <code>useAuthFetch</code> for the
        API origin only). Grant “audit” at run time with the mock's{" "}
        <code>PUT /_oxa_auth/mock/state</code> endpoint.
      </p>
      <p className="muted small" data-testid="cache-note">
        The API caches each token's user and permissions for{" "}
        {cacheSeconds === undefined ? (
          <>
            <code>OXAIGEN_AUTH_CACHE_TTL_SECONDS</code> (30 s by default)
          </>
        ) : (
          `${cacheSeconds} s`
        )}
        , so a permission granted at run time shows up here after that; sign out and in again to see
        it at once (a new token is not cached yet).
      </p>
      <div className="calls">
        {ROUTES.map((route) => {
          const result = results[route.id];
          return (
            <div className="call" key={route.id}>
              <button
                type="button"
                data-testid={`call-${route.id}`}
                onClick={() => void call(route.id, route.path)}
              >
                {route.label}
              </button>
              {result === "pending" ? (
                <span className="muted" data-testid={`${route.id}-status`} data-status="pending">
                  …
                </span>
              ) : result ? (
                <>
                  <span
                    className={`status status-${statusClass(result.status)}`}
                    data-testid={`${route.id}-status`}
                    data-status={String(result.status)}
                  >
                    {result.status}
                  </span>
                  <pre className="body" data-testid={`${route.id}-body`}>
                    {pretty(result.body)}
                  </pre>
                </>
              ) : null}
            </div>
          );
        })}
      </div>
    </section>
  );
}

function statusClass(status: CallResult["status"]): string {
  if (status === "error") return "error";
  return status < 300 ? "ok" : "fail";
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
