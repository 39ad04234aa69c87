import { useAuthFetch } from "@org/auth-react";
import { useState } from "react";

interface CallResult {
  status: number | "error";
  body: string;
}

const ROUTES = [
  { id: "me", path: "/v1/me", label: "GET /v1/me" },
  { id: "audit", path: "/v1/audit", label: "GET /v1/audit (needs “audit”)" },
  { id: "maybe-public", path: "/v1/maybe-public", label: "GET /v1/maybe-public" },
] as const;

/** Buttons that call the demo API with the SDK's fetch (Bearer token attached for the API origin). */
export function ApiPanel({ apiUrl }: { apiUrl: string }) {
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
