import { type MockUser, settingParser } from "../config/settings.js";
import { MockAuthError } from "../MockAuthError.js";
import type { OidcClient } from "../oidc/OidcClient.js";
import type { Persona } from "../oidc/Persona.js";

/**
 * What can change at run time (`PUT /_oxa_auth/mock/state`, `mock.setState`).
 *
 * @example
 * const state: MockState = mock.getState();
 * state.permissions; // ["read"] (the default)
 * state.loginError; // null: logins succeed
 */
export interface MockState extends MockUser {
  /** Authenticates, but every permission check answers 403. `null`: none. */
  forbiddenToken: string | null;
  /** Static access tokens (never expire), in addition to `accessTokenValue`. */
  tokens: string[];
  /** Lifetime of newly issued access JWTs, seconds. */
  expiresIn: number;
  /** Lifetime of newly issued refresh tokens, seconds. */
  refreshExpiresIn: number;
  /** Seconds a rotated refresh token presented again answers the same successor; 0: none. */
  refreshReuseInterval: number;
  /** When set, the mock IdP fails every login with this error (e.g. `access_denied`). */
  loginError: string | null;
  /** Users the OpenID provider can log in besides the configured one (`mock-admin`, `mock-viewer`). */
  personas: Persona[];
  /** OAuth clients besides the zero-config `mock-client` and `mock-public-client`. */
  clients: OidcClient[];
  /** `auto`: `/oidc/authorize` approves at once; `interactive`: a page to pick a persona. */
  loginMode: "auto" | "interactive";
  /** Persona (id, user name or email) an automatic login picks; `null`: the configured user. */
  loginPersona: string | null;
}

/**
 * A partial update of the state; lists may also be comma-separated strings.
 *
 * @example
 * const patch: MockStatePatch = { permissions: "read,audit", loginError: "access_denied" };
 * server.setState(patch);
 * // The same JSON body works over HTTP: PUT /_oxa_auth/mock/state
 */
export type MockStatePatch = {
  [K in keyof MockState]?: MockState[K] | (MockState[K] extends string[] ? string : never);
};

type Parser<T> = (value: unknown, label: string) => T;
/** A state field takes the values of the setting it starts from (same parser). */
const like = <T>(key: Parameters<typeof settingParser>[0]) => settingParser(key) as Parser<T>;

const PARSERS: { [K in keyof MockState]: Parser<MockState[K]> } = {
  userId: like("userId"),
  userName: like("userName"),
  email: like("email"),
  firstName: like("firstName"),
  lastName: like("lastName"),
  accountType: like("accountType"),
  workspaceId: like("workspaceId"),
  workspaceName: like("workspaceName"),
  roleNames: like("roleNames"),
  permissions: like("permissions"),
  forbiddenToken: like("forbiddenToken"),
  tokens: like("tokens"),
  expiresIn: like("expiresIn"),
  refreshExpiresIn: like("refreshExpiresIn"),
  refreshReuseInterval: like("refreshReuseInterval"),
  personas: like("personas"),
  clients: like("clients"),
  loginMode: like("loginMode"),
  loginPersona: like("loginPersona"),
  loginError: (v, l) => {
    if (v === null || v === "") return null;
    if (typeof v !== "string" || !/^[a-z_]{1,64}$/.test(v)) {
      throw new MockAuthError(
        "invalid_state_patch",
        `${l}: expected an OAuth error code like "access_denied" or null`,
      );
    }
    return v;
  },
};

/** The keys `PUT /_oxa_auth/mock/state` accepts. */
export const STATE_KEYS = Object.keys(PARSERS) as (keyof MockState)[];

/**
 * Validate a state patch (from JSON or code). Unknown keys and bad values throw a
 * `MockAuthError` ("invalid_state_patch") that names the field.
 */
export function parseStatePatch(patch: unknown): Partial<MockState> {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
    throw new MockAuthError("invalid_state_patch", "the state patch must be a JSON object");
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    const parse = (PARSERS as Record<string, (v: unknown, l: string) => unknown>)[key];
    if (!parse || !Object.hasOwn(PARSERS, key)) {
      throw new MockAuthError(
        "invalid_state_patch",
        `unknown state field ${JSON.stringify(key.slice(0, 64))}; allowed: ${STATE_KEYS.join(", ")}`,
      );
    }
    try {
      out[key] = parse(value, `state.${key}`);
    } catch (error) {
      if (error instanceof MockAuthError) {
        throw new MockAuthError("invalid_state_patch", error.message, { cause: error });
      }
      throw error;
    }
  }
  return out as Partial<MockState>;
}

/** The `get-me` body (snake_case, contracts.md): a persona's, else the configured user's. */
export function userBody(
  state: MockState,
  persona: Persona | null = null,
): Record<string, unknown> {
  if (persona !== null) return personaBody(state, persona);
  return {
    id: state.userId,
    user_name: state.userName,
    email: state.email,
    account_type: state.accountType,
    enabled: true,
    first_name: state.firstName,
    last_name: state.lastName,
    workspace: { id: state.workspaceId, name: state.workspaceName },
    workspace_roles: state.roleNames.map((name) => ({ name })),
    workspace_permissions: state.permissions.map((name) => ({ name })),
    is_authenticated: true,
  };
}

/** A persona as `get-me` serves it; what a persona does not set comes from the state. */
function personaBody(state: MockState, p: Persona): Record<string, unknown> {
  const [first, ...rest] = (p.name ?? "").split(" ");
  return {
    id: p.id,
    user_name: p.userName ?? p.id,
    ...(p.email === undefined ? {} : { email: p.email }),
    account_type: state.accountType,
    enabled: true,
    ...(first ? { first_name: first, last_name: rest.join(" ") } : {}),
    workspace: {
      id: p.workspaceId ?? state.workspaceId,
      name:
        p.workspaceId === undefined || p.workspaceId === state.workspaceId
          ? state.workspaceName
          : p.workspaceId,
    },
    workspace_roles: (p.roles ?? []).map((name) => ({ name })),
    workspace_permissions: (p.permissions ?? []).map((name) => ({ name })),
    is_authenticated: true,
  };
}
