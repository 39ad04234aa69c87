import type { JWK } from "jose";
import { safeUrl } from "../config/parse.js";
import {
  DEFAULT_AUTH_SETTINGS,
  DEFAULT_SERVER_SETTINGS,
  type MockAuthSettings,
  parseSettings,
} from "../config/settings.js";
import type { AuthMessage } from "../core/callbackPage.js";
import { type Ctx, createStores, policyFor } from "../core/context.js";
import { isLoopbackHost } from "../core/cookies.js";
import { corsResponseHeaders, isOriginAllowed, preflightResponse } from "../core/cors.js";
import type { MockAuthChange } from "../core/MockAuthChange.js";
import { type MockState, type MockStatePatch, parseStatePatch } from "../core/MockState.js";
import { createOidcStores } from "../core/OidcStores.js";
import { jsonError, type MockResponse, type RequestLike } from "../core/responses.js";
import { createSigner } from "../core/signer.js";
import type { MintTokenOptions } from "../oidc/mintToken.js";
import { MINT_PATH, OIDC_METHODS } from "../oidc/paths.js";
import {
  handleAuthorizationServerMetadata,
  handleDiscovery,
  handleJwks,
} from "../oidc/wellKnown.js";
import { handleGetMe, handlePermission, handleTestAppToken } from "../proxy/identity.js";
import { proxyAccessToken } from "../proxy/issueTokens.js";
import {
  beginLogin,
  finishLogin,
  handleAuthorize,
  handleCallback,
  handleLogin,
  idpRefusal,
  type LoginParams,
} from "../proxy/login.js";
import { handleState } from "../proxy/state.js";
import { handleLogout, handleRefresh, handleTokenExchange } from "../proxy/tokens.js";

/**
 * Every setting of the mock as a typed option (the env vars, camelCased); all optional.
 *
 * @example
 * let now = Date.now();
 * const options: MockAuthOptions = { permissions: ["read"], expiresIn: 60, now: () => now };
 * const mock = createMockAuth(options);
 * const token = await mock.createAccessToken();
 * now += 61_000; // `token` is now expired: get-me answers 401
 */
export interface MockAuthOptions extends Partial<MockAuthSettings> {
  /** Private EC P-256 JWK to sign ES256 JWTs with; default: a key generated on first use. */
  signingKey?: JWK;
  /** Clock in epoch milliseconds (tests: move time forward to expire tokens and codes). */
  now?: () => number;
  /** Called when a session ends or the run-time state changes (e.g. to publish on Redis). */
  onChange?: (change: MockAuthChange) => void;
}

/**
 * The mock: a framework-free request handler plus the controls tests and the CLI use.
 *
 * @example
 * const mock: MockAuth = createMockAuth({ permissions: ["read"] });
 * const token = await mock.createAccessToken({ expiresIn: 60 });
 * const res = await mock.fetch(
 *   new Request(`${mock.baseUrl}/_oxa_auth/get-me`, {
 *     headers: { authorization: `Bearer ${token}` },
 *   }),
 * );
 * mock.reset(); // back to the start-up state, logins and sessions forgotten
 */
export interface MockAuth {
  /** Public origin: the JWT issuer and prefix of every redirect. */
  readonly baseUrl: string;
  /** The resolved settings (read-only snapshot). */
  readonly settings: Readonly<MockAuthSettings>;
  /** Web-fetch handler: `(Request) => Promise<Response>` (used by the msw handlers). */
  fetch(request: Request): Promise<Response>;
  /** The same handler without Web classes (used by the node:http adapter). */
  respond(request: RequestLike): Promise<MockResponse>;
  /** A copy of the run-time state. */
  getState(): MockState;
  /** Merge a validated patch into the run-time state; throws `invalid_state_patch`. */
  setState(patch: MockStatePatch): MockState;
  /** Restore the start-up state and forget every login, code and session. */
  reset(): MockState;
  /** Run login → IdP → callback in-process; returns the message the callback page would post. */
  completeLogin(params: LoginParams & { state: string }): Promise<AuthMessage>;
  /** Mint an access JWT for the current user (not bound to a session). */
  createAccessToken(options?: { expiresIn?: number }): Promise<string>;
  /** The public JWKS (what `/.well-known/jwks.json` serves). */
  jwks(): Promise<{ keys: JWK[] }>;
  /** Mint a token for tests, good or deliberately bad (same as `POST /_oxa_auth/mock/token`). */
  mintToken(options?: MintTokenOptions): Promise<string>;
  /** New signing keys from now on; the old ones stay in the JWKS `graceSeconds` (default 300). */
  rotateKeys(graceSeconds?: number): Promise<string[]>;
}

const DEFAULT_BASE_URL = `http://${DEFAULT_SERVER_SETTINGS.host}:${DEFAULT_SERVER_SETTINGS.port}`;
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function resolveSettings(options: MockAuthOptions): MockAuthSettings {
  const { signingKey: _k, now: _n, onChange: _c, ...rest } = options;
  const parsed = parseSettings(rest, (s) => `options.${s.key}`) as Partial<MockAuthSettings>;
  const settings = {
    ...structuredClone(DEFAULT_AUTH_SETTINGS),
    baseUrl: DEFAULT_BASE_URL,
    ...parsed,
  };
  settings.baseUrl = new URL(settings.baseUrl).origin;
  return settings;
}

function initialState(s: MockAuthSettings): MockState {
  return {
    personas: [...s.personas],
    clients: [...s.clients],
    loginMode: s.loginMode,
    loginPersona: s.loginPersona,
    userId: s.userId,
    userName: s.userName,
    email: s.email,
    firstName: s.firstName,
    lastName: s.lastName,
    accountType: s.accountType,
    workspaceId: s.workspaceId,
    workspaceName: s.workspaceName,
    roleNames: [...s.roleNames],
    permissions: [...s.permissions],
    forbiddenToken: s.forbiddenToken,
    tokens: [...s.tokens],
    expiresIn: s.expiresIn,
    refreshExpiresIn: s.refreshExpiresIn,
    refreshReuseInterval: s.refreshReuseInterval,
    loginError: null,
  };
}

function copyState(state: MockState): MockState {
  return {
    ...state,
    roleNames: [...state.roleNames],
    permissions: [...state.permissions],
    tokens: [...state.tokens],
    personas: [...state.personas],
    clients: [...state.clients],
  };
}

/**
 * Create the mock auth proxy: one request handler (Web `Request` → `Response`) with its
 * in-memory state. The node:http server and the msw handlers are thin adapters around it.
 *
 * @example
 * const mock = createMockAuth({ baseUrl: "http://127.0.0.1:8765", permissions: ["read", "audit"] });
 * const res = await mock.fetch(new Request("http://127.0.0.1:8765/_oxa_auth/get-me", {
 *   headers: { authorization: "Bearer mock-dev-token" },
 * }));
 */
export function createMockAuth(options: MockAuthOptions = {}): MockAuth {
  const settings = resolveSettings(options);
  const baseUrl = new URL(settings.baseUrl);
  const now = options.now ?? Date.now;
  const ctx: Ctx = {
    settings,
    baseUrl,
    cookies: policyFor(baseUrl),
    state: initialState(settings),
    ...createStores(now),
    oidc: createOidcStores(now),
    signer: createSigner(settings.baseUrl, settings.audience, options.signingKey),
    now,
    notify: options.onChange ?? (() => {}),
  };
  const reset = () => {
    ctx.state = initialState(settings);
    ctx.notify({ type: "invalidate" });
    for (const store of [ctx.logins, ctx.codes, ctx.refresh, ctx.sessions, ctx.revoked, ctx.oidc])
      store.clear();
    return copyState(ctx.state);
  };
  const respond = (request: RequestLike) => dispatch(ctx, request, reset);
  return {
    baseUrl: settings.baseUrl,
    settings,
    respond,
    fetch: async (request) => toResponse(await respond(request), request.method),
    getState: () => copyState(ctx.state),
    setState(patch) {
      ctx.state = { ...ctx.state, ...parseStatePatch(patch) };
      ctx.notify({ type: "invalidate" });
      return copyState(ctx.state);
    },
    reset,
    async completeLogin(params) {
      const begun = beginLogin(ctx, params);
      const error = idpRefusal(ctx, begun.state);
      const done = await finishLogin(ctx, begun.state, error ? null : settings.authCode, error);
      return done.message;
    },
    createAccessToken: (opts) =>
      proxyAccessToken(ctx, null, opts?.expiresIn ?? ctx.state.expiresIn),
    jwks: () => ctx.signer.jwks(ctx.now()),
    mintToken: async (opts) => (await import("../oidc/mintToken.js")).mintToken(ctx, opts),
    rotateKeys: (grace = 300) => ctx.signer.rotate(grace, ctx.now()),
  };
}

async function dispatch(ctx: Ctx, request: RequestLike, reset: () => void): Promise<MockResponse> {
  const url = safeUrl(request.url);
  if (!url) return jsonError(400, "invalid_request", "unparseable request URL");
  const refused = refusedHost(ctx, request) ?? refusedStateCaller(ctx, request, url);
  if (refused) return refused;
  const origin = request.headers.get("origin");
  const method = request.method.toUpperCase();
  const allowed = ctx.settings.corsOrigins;
  if (method === "OPTIONS") {
    const pf = preflightResponse(
      origin,
      allowed,
      request.headers.get("access-control-request-private-network") === "true",
    );
    return { status: pf.status, headers: pf.headers, cookies: [], body: "" };
  }
  let response: MockResponse;
  if (
    UNSAFE.has(method) &&
    origin !== null &&
    origin !== ctx.baseUrl.origin &&
    !isOriginAllowed(origin, allowed)
  ) {
    response = jsonError(
      403,
      "origin_not_allowed",
      "this Origin is not allowed by OXAIGEN_AUTH_MOCK_CORS_ORIGINS (default: loopback pages only)",
    );
  } else {
    try {
      response = await route(ctx, request, url, method === "HEAD" ? "GET" : method, reset);
    } catch (error) {
      // Never echo request data (it may hold tokens); the name and message are ours or jose's.
      console.error(
        `[auth-mock-server] ${request.method} ${url.pathname} failed:`,
        (error as Error)?.message,
      );
      response = jsonError(500, "server_error", "unexpected mock error: see the mock's console");
    }
  }
  Object.assign(response.headers, corsResponseHeaders(origin, allowed));
  return response;
}

/**
 * DNS rebinding: a foreign site whose name resolves to 127.0.0.1 reaches the mock same-origin,
 * with its own name in `Host`. Only loopback names and the public URL's host are served.
 */
function refusedHost(ctx: Ctx, request: RequestLike): MockResponse | undefined {
  const host = request.headers.get("host");
  // No Host: an in-process request (msw, mock.fetch); node:http itself refuses HTTP/1.1 without.
  if (host === null) return undefined;
  const name = safeUrl(`http://${host}`)?.hostname;
  if (name !== undefined && (isLoopbackHost(name) || name === ctx.baseUrl.hostname)) {
    return undefined;
  }
  return jsonError(
    403,
    "host_not_allowed",
    "this mock answers only loopback host names and the host of OXAIGEN_AUTH_MOCK_PUBLIC_URL: set OXAIGEN_AUTH_MOCK_PUBLIC_URL to the URL clients use",
  );
}

/**
 * The state API changes who is signed in and what they may do, and the mint endpoint hands out
 * tokens: they serve test code, curl and the mock's own pages, never a page of another origin
 * (even an allowed app origin).
 */
function refusedStateCaller(ctx: Ctx, request: RequestLike, url: URL): MockResponse | undefined {
  if (url.pathname !== STATE_PATH && url.pathname !== MINT_PATH) return undefined;
  const origin = request.headers.get("origin");
  const site = request.headers.get("sec-fetch-site");
  const fromOtherPage =
    (origin !== null && origin !== ctx.baseUrl.origin) ||
    (site !== null && site !== "same-origin" && site !== "none");
  if (!fromOtherPage) return undefined;
  return jsonError(
    403,
    "origin_not_allowed",
    "the state API does not answer web pages of other origins: call it from test code or a terminal (curl)",
  );
}

type Route = (
  ctx: Ctx,
  request: RequestLike,
  url: URL,
  reset: () => void,
) => MockResponse | Promise<MockResponse>;

const ROUTES: Record<string, Record<string, Route>> = {
  "/.well-known/openid-configuration": { GET: (ctx) => handleDiscovery(ctx) },
  "/.well-known/oauth-authorization-server": {
    GET: (ctx) => handleAuthorizationServerMetadata(ctx),
  },
  "/.well-known/jwks.json": { GET: (ctx) => handleJwks(ctx) },
  "/_oxa_auth/login": { GET: (ctx, _r, url) => handleLogin(ctx, url) },
  "/_oxa_auth/callback": { GET: (ctx, _r, url) => handleCallback(ctx, url) },
  "/_oxa_auth/token-exchange": { POST: (ctx, r) => handleTokenExchange(ctx, r) },
  "/_oxa_auth/refresh": { POST: (ctx, r) => handleRefresh(ctx, r) },
  "/_oxa_auth/logout": { POST: (ctx, r) => handleLogout(ctx, r) },
  "/_oxa_auth/get-me": { GET: (ctx, r) => handleGetMe(ctx, r) },
  "/_oxa_auth/test-app-token": { POST: (ctx, r) => handleTestAppToken(ctx, r) },
};

const STATE_ROUTE: Record<string, Route> = Object.fromEntries(
  ["GET", "PUT", "PATCH", "DELETE"].map((m) => [
    m,
    (ctx: Ctx, r: RequestLike, _u: URL, reset: () => void) => handleState(ctx, r, reset),
  ]),
);

const PERMISSION_PREFIX = "/_oxa_auth/test-app-permission/";
const STATE_PATH = "/_oxa_auth/mock/state";

// The OpenID provider loads on its first request, so start-up pays nothing for it.
const oidcRoute: Route = async (ctx, request, url) =>
  (await import("../oidc/routes.js")).handleOidc(ctx, request, url);

function methodsFor(ctx: Ctx, path: string): Record<string, Route> | undefined {
  if (Object.hasOwn(OIDC_METHODS, path))
    return Object.fromEntries((OIDC_METHODS[path] ?? []).map((m) => [m, oidcRoute]));
  if (path === MINT_PATH) return ctx.settings.stateApi ? { POST: oidcRoute } : undefined;
  if (path === ctx.settings.authorizePath) return { GET: (c, _r, url) => handleAuthorize(c, url) };
  if (path === STATE_PATH) return ctx.settings.stateApi ? STATE_ROUTE : undefined;
  if (path.startsWith(PERMISSION_PREFIX)) {
    const name = path.slice(PERMISSION_PREFIX.length);
    return { POST: (c, r) => handlePermission(c, r, name) };
  }
  return Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
}

async function route(ctx: Ctx, request: RequestLike, url: URL, method: string, reset: () => void) {
  const methods = methodsFor(ctx, url.pathname);
  if (!methods)
    return jsonError(404, "not_found", `no mock endpoint at ${url.pathname.slice(0, 200)}`);
  const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (!handler) {
    const allow = Object.keys(methods).join(", ");
    return jsonError(405, "method_not_allowed", `use ${allow}`, { allow });
  }
  return handler(ctx, request, url, reset);
}

/** Turn a `MockResponse` into a Web `Response`. */
export function toResponse(mock: MockResponse, method = "GET"): Response {
  const headers = new Headers(mock.headers);
  for (const cookie of mock.cookies) headers.append("set-cookie", cookie);
  const empty = mock.status === 204 || mock.status === 304 || method.toUpperCase() === "HEAD";
  return new Response(empty ? null : mock.body, { status: mock.status, headers });
}
