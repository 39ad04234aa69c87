import type { RequestContext } from "../../kernel/types.js";

/**
 * What a custom adapter returns for a valid token (the Python SDK's `UserClaims`, in camelCase).
 *
 * @example
 * const claims: AdapterClaims = { userId: "u1", roles: ["admin"], rawClaims: decoded };
 */
export interface AdapterClaims {
  userId?: string;
  email?: string;
  name?: string;
  roles?: readonly string[];
  permissions?: readonly string[];
  scopes?: readonly string[];
  rawClaims?: Readonly<Record<string, unknown>>;
  /** Epoch ms after which the result must not be served from cache; default `rawClaims.exp`. */
  expiresAt?: number;
}

/**
 * A custom token validator. Return the claims for a valid token and `null` for an invalid one
 * (401); throw an `AuthError` to choose the status yourself. Any other thrown error means "could
 * not tell" (502), except jose errors, which are about the token (401).
 *
 * @example
 * const adapter: AuthAdapter = {
 *   async validateToken(token) { const { payload } = await jwtVerify(token, key); return { userId: payload.sub, rawClaims: payload }; },
 *   isEnabled: () => Boolean(process.env.MY_AUTH_SECRET),
 * };
 */
export interface AuthAdapter {
  /** Validates `token`: its claims when valid, `null` when not. */
  validateToken(token: string, ctx: RequestContext): Promise<AdapterClaims | null>;
  /** Whether the adapter is configured; auto-detection only picks enabled adapters. */
  isEnabled?(): boolean;
  /**
   * Everything that decides this adapter's answers (e.g. `"https://id.example.com|orders-api"`
   * for its issuer and audience). Set it to share answers with other instances through Redis;
   * without it each instance caches its own answers (revocations are shared either way), so two
   * APIs on one Redis can never serve each other's answers.
   */
  cacheScope?: string;
}
