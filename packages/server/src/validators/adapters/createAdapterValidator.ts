import { fromJoseError } from "../../jose/fromJoseError.js";
import { loadJose } from "../../jose/loadJose.js";
import { AuthError, invalidToken, upstreamError } from "../../kernel/errors.js";
import type { RequestContext, TokenValidator, Verification } from "../../kernel/types.js";
import { makeUser, withClaims } from "../../kernel/user.js";
import type { AdapterClaims, AuthAdapter } from "./AuthAdapter.js";

/**
 * Wraps a custom adapter as a `TokenValidator`, mapping its claims to the common `User` and its
 * failures to 401/502 like the built-in validators.
 *
 * @example
 * const auth = createAuth({ validator: createAdapterValidator("my-provider", myAdapter) });
 */
export function createAdapterValidator(name: string, adapter: AuthAdapter): TokenValidator {
  const scope = adapter.cacheScope;
  return {
    name,
    ...(typeof scope === "string" && scope !== "" ? { identity: `adapter:${scope}` } : {}),
    async verify(token: string, ctx: RequestContext): Promise<Verification> {
      let claims: AdapterClaims | null;
      try {
        claims = await adapter.validateToken(token, ctx);
      } catch (error) {
        // jose is loaded lazily: an adapter's jose error can come before the SDK ever loaded it.
        await loadJose().catch(() => undefined);
        const mapped = fromJoseError(error);
        if (mapped instanceof AuthError) throw mapped;
        throw upstreamError(`The "${name}" auth adapter failed; see the error's cause.`, error);
      }
      if (claims === null || claims === undefined) {
        throw invalidToken(`rejected by the "${name}" adapter`);
      }
      if (typeof claims !== "object") {
        throw upstreamError(`The "${name}" auth adapter returned ${typeof claims}, not claims.`);
      }
      return toVerification(claims, name);
    },
    // An adapter's roles and scopes grant permissions too; `user.permissions` lists only its permissions.
    async hasPermission(_token, { user }, permission) {
      return [user.permissions, user.roles, user.scopes].some((list) => list.includes(permission));
    },
  };
}

function toVerification(claims: AdapterClaims, provider: string): Verification {
  const raw = isRecord(claims.rawClaims) ? claims.rawClaims : {};
  const id = text(claims.userId);
  if (id === undefined) {
    throw upstreamError(
      `The "${provider}" auth adapter returned claims without a userId: return the user's id (e.g. the token's sub) for a valid token.`,
    );
  }
  const user = makeUser({
    provider,
    id,
    email: text(claims.email),
    name: text(claims.name),
    roles: strings(claims.roles),
    permissions: strings(claims.permissions),
    scopes: strings(claims.scopes),
  });
  withClaims(user, { ...raw });
  const exp = typeof raw.exp === "number" ? raw.exp * 1000 : undefined;
  const expiresAt = typeof claims.expiresAt === "number" ? claims.expiresAt : exp;
  return expiresAt === undefined ? { user } : { user, expiresAt };
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function strings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return [
    ...new Set(value.filter((item): item is string => typeof item === "string" && item !== "")),
  ];
}
