import type { MockState, MockStatePatch } from "../core/MockState.js";
import type { MockAuth } from "../handler/createMockAuth.js";
import {
  type MockServer,
  type MockServerOptions,
  startMockServer,
} from "../node/startMockServer.js";
import type { MintTokenOptions } from "../oidc/mintToken.js";
import type { PersonaName } from "./personas.js";

/**
 * Options of `startMockAuth`: every mock setting (as for `startMockServer`) except where it
 * listens, which is always `127.0.0.1` on a free port.
 *
 * @example
 * const options: StartMockAuthOptions = { permissions: ["read", "audit"], expiresIn: 60 };
 * const kit = await startMockAuth(options);
 */
export type StartMockAuthOptions = Omit<MockServerOptions, "host" | "port">;

/**
 * Who a token is for: a persona (id, user name or email; `PERSONA_NAMES` are built in), any
 * other subject (an ad-hoc user), or the full `mintToken` options.
 *
 * @example
 * const who: TokenSubject = "mock-admin";
 * const alsoOk: TokenSubject = { sub: "alice", claims: { app_id: "app-1" } };
 * const expired: TokenSubject = { sub: "alice", bad: "expired" };
 */
export type TokenSubject = PersonaName | (string & {}) | MintTokenOptions;

/**
 * How `@org/auth-server` checks tokens: against the mock's proxy API (`proxy`) or locally with
 * the mock's OpenID issuer and JWKS (`jwt`).
 *
 * @example
 * const mode: AuthServerMode = "jwt";
 * const auth = createAuth({ env: kit.env(mode) });
 */
export type AuthServerMode = "proxy" | "jwt";

/**
 * A running mock for tests: its URLs, tokens on demand, the settings to point
 * `@org/auth-server` at it, and `reset`/`close`.
 *
 * @example
 * const kit: MockAuthKit = await startMockAuth();
 * const token = await kit.token("mock-admin");
 * const res = await fetch(`${kit.url}/_oxa_auth/get-me`, {
 *   headers: { authorization: `Bearer ${token}` },
 * });
 * kit.reset();
 * await kit.close();
 */
export interface MockAuthKit {
  /** `http://127.0.0.1:<port>`: the proxy API's base URL. */
  readonly url: string;
  /** The OpenID issuer (`iss` of every token; discovery at `{issuer}/.well-known/openid-configuration`). */
  readonly issuer: string;
  /** Where the public keys are served. */
  readonly jwksUrl: string;
  /** The `aud` of the tokens it mints (default `oxaigen-mock`). */
  readonly audience: string;
  /** The underlying server (state, `completeLogin`, …). */
  readonly server: MockServer;
  /** The request handler and its controls (`rotateKeys`, `jwks`, …). */
  readonly mock: MockAuth;
  /**
   * An access token for a persona or subject (default: the configured user).
   * Same as `mintToken`, with a name as shorthand for `{ sub: name }`.
   */
  token(who?: TokenSubject): Promise<string>;
  /** Mint any token, good or deliberately bad (`POST /_oxa_auth/mock/token` in-process). */
  mintToken(options?: MintTokenOptions): Promise<string>;
  /** The variables that point `@org/auth-server` (`createAuth({ env })`) at this mock. */
  env(mode: AuthServerMode): Record<string, string>;
  /** A copy of the run-time state. */
  getState(): MockState;
  /** Change the scenario at run time (permissions, personas, `loginError`…). */
  setState(patch: MockStatePatch): MockState;
  /** Back to the start-up state; every login, code, session and minted user token is forgotten. */
  reset(): MockState;
  /** Stop listening. */
  close(): Promise<void>;
}

/**
 * The settings that point `@org/auth-server` at a mock: `proxy` asks the mock's
 * `/_oxa_auth/get-me` (the proxy URL override), `jwt` validates locally against its issuer.
 * Caches are off in proxy mode so `setState`/`reset` apply to the next request.
 */
function serverEnv(mock: MockAuth, mode: AuthServerMode): Record<string, string> {
  if (mode === "proxy") {
    return {
      AUTH_PROVIDER: "proxy",
      OXAIGEN_AUTH_PROXY_URL_OVERRIDE: mock.baseUrl,
      OXAIGEN_AUTH_CACHE_TTL_SECONDS: "0",
      OXAIGEN_AUTH_NEGATIVE_CACHE_TTL_SECONDS: "0",
    };
  }
  if (mode === "jwt") {
    return {
      AUTH_PROVIDER: "jwt",
      AUTH_ISSUER: mock.baseUrl,
      AUTH_AUDIENCE: mock.settings.audience,
    };
  }
  throw new TypeError(`env(mode): expected "proxy" or "jwt", got ${JSON.stringify(mode)}`);
}

/**
 * Start an in-process mock on `127.0.0.1` on a free port (many can run side by side) and
 * resolve once it listens.
 *
 * @example
 * import { startMockAuth } from "@org/auth-mock-server/testing";
 * import { createAuth } from "@org/auth-server";
 *
 * const kit = await startMockAuth();
 * const auth = createAuth({ env: kit.env("jwt") }); // or kit.env("proxy"); your API's instance
 * app.get("/v1/me", getCurrentUser({ auth }), handler); // every guard gets { auth }
 * const token = await kit.token("mock-admin");
 * // … call your API with `Authorization: Bearer ${token}` …
 * kit.reset(); // between tests
 * await kit.close(); // after all
 */
export async function startMockAuth(options: StartMockAuthOptions = {}): Promise<MockAuthKit> {
  const { host: _h, port: _p, ...rest } = options as MockServerOptions;
  const server = await startMockServer({ ...rest, host: "127.0.0.1", port: 0 });
  const mock = server.mock;
  const mintToken = (opts?: MintTokenOptions) => mock.mintToken(opts);
  return {
    url: server.url,
    issuer: mock.baseUrl,
    jwksUrl: `${mock.baseUrl}/.well-known/jwks.json`,
    audience: mock.settings.audience,
    server,
    mock,
    token: (who) => mintToken(typeof who === "string" ? { sub: who } : who),
    mintToken,
    env: (mode) => serverEnv(mock, mode),
    getState: () => server.getState(),
    setState: (patch) => server.setState(patch),
    reset: () => server.reset(),
    close: () => server.close(),
  };
}
