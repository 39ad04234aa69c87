// TEMPORARY contract-level stand-in until @org/auth-mock-server/msw lands.
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { AUTH } from "./helpers";

export function startAuthApi(opts: { expiresIn?: number; baseUrl?: string } = {}) {
  const base = opts.baseUrl ?? AUTH;
  const codes = new Set<string>();
  const tokens = new Set<string>();
  let signedIn = false;
  let n = 0;
  const counts: Record<string, number> = {};
  const issue = () => {
    const token = `tok${++n}`;
    tokens.add(token);
    signedIn = true;
    return HttpResponse.json({
      access_token: token,
      token_type: "Bearer",
      expires_in: opts.expiresIn ?? 300,
    });
  };
  const bearer = (r: Request) => /^Bearer (.+)$/.exec(r.headers.get("authorization") ?? "")?.[1];
  const server = setupServer(
    http.post(`${base}/_oxa_auth/token-exchange`, async ({ request }) => {
      const body = (await request.json()) as { code?: string };
      if (!body.code || !codes.delete(body.code)) return new HttpResponse(null, { status: 400 });
      return issue();
    }),
    http.post(`${base}/_oxa_auth/refresh`, () =>
      signedIn ? issue() : new HttpResponse(null, { status: 401 }),
    ),
    http.post(`${base}/_oxa_auth/logout`, () => {
      signedIn = false;
      tokens.clear();
      return new HttpResponse(null, { status: 204 });
    }),
    http.get(`${base}/_oxa_auth/get-me`, ({ request }) =>
      tokens.has(bearer(request) ?? "")
        ? HttpResponse.json({ id: "mock-user-id", email: "mock.user@example.com" })
        : new HttpResponse(null, { status: 401 }),
    ),
    http.post(`${base}/_oxa_auth/test-app-permission/:name`, ({ request, params }) =>
      !tokens.has(bearer(request) ?? "")
        ? new HttpResponse(null, { status: 401 })
        : new HttpResponse(null, { status: params.name === "read" ? 200 : 403 }),
    ),
  );
  server.events.on("request:start", ({ request }) => {
    const key = `${request.method} ${new URL(request.url).pathname}`;
    counts[key] = (counts[key] ?? 0) + 1;
  });
  server.listen({ onUnhandledRequest: "error" });
  return {
    server,
    counts,
    /** What the callback page would hand the app for `state`. */
    async codeFor(_state: string): Promise<string> {
      const code = `code${++n}`;
      codes.add(code);
      return code;
    },
    signOutEverywhere() {
      signedIn = false;
      tokens.clear();
    },
    close: () => server.close(),
  };
}
