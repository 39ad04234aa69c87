import { MockAuthError } from "../MockAuthError.js";
import type { MockUser } from "./MockUser.js";
import { parseClaims } from "./OidcClient.js";
import { hasControlChar, PERMISSION_NAME, PERMISSION_NAME_RULE } from "./parse.js";

/**
 * A user the OpenID provider can log in (and `mintToken` can mint for): its `id` is the `sub`.
 *
 * @example
 * const admin: Persona = {
 *   id: "ada",
 *   email: "ada@example.test",
 *   roles: ["admin"],
 *   permissions: ["read", "write"],
 *   workspaceId: "ws-1",
 * };
 * server.setState({ personas: [admin], loginPersona: "ada" });
 */
export interface Persona {
  id: string;
  userName?: string;
  email?: string;
  name?: string;
  roles?: string[];
  permissions?: string[];
  workspaceId?: string;
  appId?: string;
  /** Extra claims put in its tokens (and ID tokens). */
  claims?: Record<string, unknown>;
  /** The authentication levels (`acr`) it can reach; default every one the mock lists. */
  acrValues?: string[];
}

/** Built-in personas beside the configured user, so role and permission checks have both sides. */
export const DEFAULT_PERSONAS: readonly Persona[] = [
  {
    id: "mock-admin-id",
    userName: "mock-admin",
    email: "mock.admin@example.com",
    name: "Mock Admin",
    roles: ["admin", "member"],
    permissions: ["read", "write", "admin"],
    workspaceId: "mock-workspace-id",
  },
  {
    id: "mock-viewer-id",
    userName: "mock-viewer",
    email: "mock.viewer@example.com",
    name: "Mock Viewer",
    roles: ["viewer"],
    permissions: [],
    workspaceId: "mock-workspace-id",
  },
];

function fail(label: string, message: string): never {
  throw new MockAuthError("invalid_config", `${label}: ${message}`);
}

function text(value: unknown, label: string, max = 256): string {
  if (
    typeof value !== "string" ||
    value.length === 0 ||
    value.length > max ||
    hasControlChar(value)
  )
    fail(label, `expected a non-empty string (max ${max}, no control characters)`);
  return value;
}

function list(value: unknown, label: string, names = false): string[] {
  if (!Array.isArray(value) || value.length > 200) fail(label, "expected an array of strings");
  return value.map((v, i) => {
    const s = text(v, `${label}[${i}]`, 128);
    if (names && !PERMISSION_NAME.test(s)) fail(`${label}[${i}]`, PERMISSION_NAME_RULE);
    return s;
  });
}

const TEXT_FIELDS = ["userName", "email", "name", "workspaceId", "appId"] as const;

function parsePersona(value: unknown, label: string): Persona {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    fail(label, 'expected an object like {"id":"ada","roles":["admin"]}');
  const v = value as Record<string, unknown>;
  const known = new Set(["id", "roles", "permissions", "claims", "acrValues", ...TEXT_FIELDS]);
  for (const key of Object.keys(v))
    if (!known.has(key)) fail(label, `unknown persona field ${JSON.stringify(key.slice(0, 40))}`);
  const persona: Persona = { id: text(v.id, `${label}.id`) };
  for (const key of TEXT_FIELDS)
    if (v[key] !== undefined) persona[key] = text(v[key], `${label}.${key}`);
  if (v.roles !== undefined) persona.roles = list(v.roles, `${label}.roles`);
  if (v.permissions !== undefined)
    persona.permissions = list(v.permissions, `${label}.permissions`, true);
  if (v.acrValues !== undefined) persona.acrValues = list(v.acrValues, `${label}.acrValues`, true);
  const claims = parseClaims(v.claims, `${label}.claims`);
  if (claims !== undefined) persona.claims = claims;
  return persona;
}

/** Validate a list of personas (state patch, options). */
export function parsePersonas(value: unknown, label: string): Persona[] {
  if (!Array.isArray(value) || value.length > 200)
    fail(label, "expected an array of personas (max 200)");
  return value.map((p, i) => parsePersona(p, `${label}[${i}]`));
}

/** The configured user (env / state) as a persona. */
export function userPersona(user: MockUser): Persona {
  return {
    id: user.userId,
    userName: user.userName,
    email: user.email,
    name: `${user.firstName} ${user.lastName}`,
    roles: [...user.roleNames],
    permissions: [...user.permissions],
    workspaceId: user.workspaceId,
  };
}

/**
 * Every persona the login page offers: the configured user, the configured personas, then the
 * built-in ones (a configured persona with a built-in's id replaces it).
 */
export function allPersonas(user: MockUser, personas: readonly Persona[]): Persona[] {
  const seen = new Set<string>();
  return [userPersona(user), ...personas, ...DEFAULT_PERSONAS].filter((p) => {
    if (seen.has(p.id)) return false;
    seen.add(p.id);
    return true;
  });
}

/** The persona whose id (`sub`), user name or email (any case, as mail systems do) is `key`. */
export function findPersona(
  user: MockUser,
  personas: readonly Persona[],
  key: string,
): Persona | undefined {
  const all = allPersonas(user, personas);
  const email = key.toLowerCase();
  // Exact id or user name first: an email-looking id must not lose to another persona's email.
  return (
    all.find((p) => p.id === key || p.userName === key) ??
    all.find((p) => p.email?.toLowerCase() === email)
  );
}
