import { type ClaimPath, parseClaimPath, readClaim } from "../../kernel/claimPath.js";
import { makeUser, type User, withClaims } from "../../kernel/user.js";

/**
 * How scopes are written in the token: `space`-separated string, `array`, or either (`auto`).
 *
 * @example
 * const scopesFormat: ScopesFormat = "array"; // Okta `scp: ["a", "b"]`
 * createJwtValidator({ issuer, audience, claims: { scopes: "scp", scopesFormat } });
 */
export type ScopesFormat = "auto" | "space" | "array";

/**
 * Which mapped lists satisfy `requirePermission(name)`. Only the permission check consults
 * them: `user.permissions` always lists the token's permissions alone.
 *
 * @example
 * const sources: PermissionSource[] = ["permissions", "scopes"];
 * createJwtValidator({ issuer, audience, claims: { permissionSources: sources } });
 */
export type PermissionSource = "permissions" | "roles" | "scopes";

/**
 * Where each `User` field comes from; each field lists claim paths, tried in order.
 *
 * @example
 * const mapping: Partial<ClaimMapping> = { roles: [["realm_access", "roles"], ["groups"]] };
 */
export interface ClaimMapping {
  userId: ClaimPath[];
  email: ClaimPath[];
  name: ClaimPath[];
  userName: ClaimPath[];
  firstName: ClaimPath[];
  lastName: ClaimPath[];
  /** The workspace id (`user.workspace.id`), as the proxy's get-me gives it. */
  workspaceId: ClaimPath[];
  /** Union of every path's values. */
  roles: ClaimPath[];
  /** Union of every path's values. */
  permissions: ClaimPath[];
  /** Union of every path's values. */
  scopes: ClaimPath[];
  scopesFormat: ScopesFormat;
  permissionSources: PermissionSource[];
}

/**
 * Claim mapping as options: each field one dotted path or a list of them.
 *
 * @example
 * createJwtValidator({ issuer, audience, claims: { roles: ["realm_access.roles", "groups"] } });
 */
export interface ClaimMappingOptions {
  userId?: string | readonly string[];
  email?: string | readonly string[];
  name?: string | readonly string[];
  userName?: string | readonly string[];
  firstName?: string | readonly string[];
  lastName?: string | readonly string[];
  workspaceId?: string | readonly string[];
  roles?: string | readonly string[];
  permissions?: string | readonly string[];
  scopes?: string | readonly string[];
  scopesFormat?: ScopesFormat;
  permissionSources?: readonly PermissionSource[];
}

type PathField = Exclude<keyof ClaimMapping, "scopesFormat" | "permissionSources">;

const PATH_FIELDS: readonly PathField[] = [
  "userId",
  "email",
  "name",
  "userName",
  "firstName",
  "lastName",
  "workspaceId",
  "roles",
  "permissions",
  "scopes",
];

/** Standard OIDC claims; scopes from both `scope` (RFC 8693) and `scp` (Okta, Azure). */
export const DEFAULT_CLAIM_MAPPING: Readonly<ClaimMapping> = Object.freeze<ClaimMapping>({
  userId: [["sub"]],
  email: [["email"]],
  name: [["name"]],
  userName: [["preferred_username"]],
  firstName: [["given_name"]],
  lastName: [["family_name"]],
  workspaceId: [["workspace_id"]],
  roles: [["roles"]],
  permissions: [["permissions"]],
  scopes: [["scope"], ["scp"]],
  scopesFormat: "auto",
  // Not scopes: many providers issue any scope a client asks for, so a scope would let a client
  // grant itself a "permission". Scopes are checked with requireScope, or opted in here.
  permissionSources: ["permissions", "roles"],
});

/** Overlays options (dotted strings) on a base mapping; a set field replaces the base's paths. */
export function resolveClaimMapping(
  options: ClaimMappingOptions | undefined,
  base: Readonly<ClaimMapping> = DEFAULT_CLAIM_MAPPING,
): ClaimMapping {
  const mapping: ClaimMapping = { ...base };
  for (const field of PATH_FIELDS) {
    const value = options?.[field];
    if (value === undefined) continue;
    const list = typeof value === "string" ? value.split(",") : value;
    mapping[field] = list
      .filter((path) => path.trim() !== "")
      .map((path) => parseClaimPath(path, `claims.${field}`));
  }
  if (options?.scopesFormat !== undefined) mapping.scopesFormat = options.scopesFormat;
  if (options?.permissionSources !== undefined) {
    mapping.permissionSources = [...options.permissionSources];
  }
  return mapping;
}

/**
 * Builds the mode-independent `User` from verified claims: every field present (`null` when no
 * claim holds it), `permissions` from the permission claims only, the raw claims attached
 * non-enumerably (never serialised). Unexpected claim types are ignored.
 */
export function mapClaimsToUser(
  claims: Readonly<Record<string, unknown>>,
  mapping: ClaimMapping,
  provider: string,
): User {
  const workspaceId = firstString(claims, mapping.workspaceId);
  const user = makeUser({
    provider,
    id: firstString(claims, mapping.userId, true),
    email: firstString(claims, mapping.email),
    name: firstString(claims, mapping.name),
    userName: firstString(claims, mapping.userName),
    firstName: firstString(claims, mapping.firstName),
    lastName: firstString(claims, mapping.lastName),
    workspace: workspaceId === undefined ? null : { id: workspaceId },
    roles: collect(claims, mapping.roles, "auto"),
    permissions: collect(claims, mapping.permissions, "auto"),
    scopes: collect(claims, mapping.scopes, mapping.scopesFormat),
  });
  return withClaims(user, Object.freeze(claims));
}

/**
 * Whether `permission` is granted by one of `sources` (the user's permissions, roles or
 * scopes): the permission check of JWT mode, which leaves `user.permissions` as it is.
 *
 * @example
 * grantsPermission(user, "reports:read", ["permissions", "roles"]);
 */
export function grantsPermission(
  user: Pick<User, PermissionSource>,
  permission: string,
  sources: readonly PermissionSource[],
): boolean {
  return sources.some((source) => user[source].includes(permission));
}

function firstString(
  claims: Readonly<Record<string, unknown>>,
  paths: ClaimPath[],
  allowNumber = false,
): string | undefined {
  for (const path of paths) {
    const value = readClaim(claims, path);
    if (typeof value === "string" && value !== "") return value;
    if (allowNumber && typeof value === "number" && Number.isFinite(value)) return String(value);
  }
  return undefined;
}

function collect(
  claims: Readonly<Record<string, unknown>>,
  paths: ClaimPath[],
  format: ScopesFormat,
): string[] {
  // Most tokens carry no roles or permissions claim: no Set for them (one less per token).
  let out: Set<string> | undefined;
  for (const path of paths) {
    const value = readClaim(claims, path);
    if (typeof value === "string" && format !== "array") {
      out ??= new Set();
      for (const item of value.split(/\s+/)) if (item !== "") out.add(item);
    } else if (Array.isArray(value) && format !== "space") {
      out ??= new Set();
      for (const item of value) if (typeof item === "string" && item !== "") out.add(item);
    }
  }
  return out === undefined ? [] : [...out];
}
