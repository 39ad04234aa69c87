/**
 * What a revocation names: one token (however it is spelled), every token of a subject (its
 * `sub` claim), of a user (the mapped `User.id`, which may come from another claim) or of a
 * session (issued up to now), or one token id. `{ sub, withoutSid: true }` names the subject's
 * tokens that carry no `sid` claim (what a logout of one session must also end). A raw token
 * never leaves the process: it travels as `tokenHash`.
 *
 * @example
 * await auth.revoke({ sid: logoutToken.sid });
 * await auth.revoke({ userId: req.user.id }); // every token of this user, whatever claim names it
 * await auth.revoke({ token }); // sent as its hash, never as is
 */
export type RevocationTarget =
  | { token: string }
  | { tokenHash: string }
  | { sub: string; withoutSid?: true }
  | { userId: string }
  | { sid: string }
  | { jti: string };

/**
 * What an invalidation names: the cached answers about one subject (its permissions changed),
 * or every cached answer. Unlike a revocation, the tokens stay valid: they are validated again.
 *
 * @example
 * await auth.invalidate({ sub: "user-42" }); // after granting "audit" to user-42
 */
export type InvalidationTarget = { sub: string } | { all: true };

/**
 * One message on the fleet channel (JSON). Exactly one of `tokenHash`, `sub`, `userId`, `sid`,
 * `jti`, `all` is set (`withoutSid` may accompany `sub`); `at` is when it happened (epoch ms): a
 * `sub`, `userId` or `sid` revocation refuses the tokens issued up to `at`, an invalidation drops
 * the answers cached up to `at`.
 *
 * @example
 * const event: FleetEvent = { v: 1, type: "revoke", sid: "s-1", at: Date.now() };
 * await redis.publish("oxaigen-auth:events", JSON.stringify(event));
 */
export interface FleetEvent {
  v: 1;
  type: "revoke" | "invalidate";
  tokenHash?: string;
  sub?: string;
  /** With `sub`: only the subject's tokens that carry no `sid` claim. */
  withoutSid?: true;
  userId?: string;
  sid?: string;
  jti?: string;
  all?: true;
  at: number;
}

const HEX64 = /^[0-9a-f]{64}$/;
// Identifiers go into Redis key names and logs: printable ASCII without spaces, bounded.
const ID = /^[\x21-\x7e]{1,256}$/;

function isId(value: unknown): value is string {
  return typeof value === "string" && ID.test(value);
}

/** The one field a revocation message carries, checked; undefined when the target is invalid. */
export function revocationEvent(
  target: RevocationTarget,
  at: number,
  tokenHashOf: (token: string) => string,
): FleetEvent | undefined {
  if (typeof target !== "object" || target === null) return undefined;
  if ("token" in target) {
    return typeof target.token === "string" && target.token !== ""
      ? { v: 1, type: "revoke", tokenHash: tokenHashOf(target.token), at }
      : undefined;
  }
  if ("tokenHash" in target) {
    return typeof target.tokenHash === "string" && HEX64.test(target.tokenHash)
      ? { v: 1, type: "revoke", tokenHash: target.tokenHash, at }
      : undefined;
  }
  if ("sub" in target) {
    if (!isId(target.sub)) return undefined;
    const { withoutSid } = target as { withoutSid?: unknown };
    if (withoutSid === true) return { v: 1, type: "revoke", sub: target.sub, withoutSid, at };
    return withoutSid === undefined ? { v: 1, type: "revoke", sub: target.sub, at } : undefined;
  }
  if ("userId" in target)
    return isId(target.userId) ? { v: 1, type: "revoke", userId: target.userId, at } : undefined;
  if ("sid" in target)
    return isId(target.sid) ? { v: 1, type: "revoke", sid: target.sid, at } : undefined;
  if ("jti" in target)
    return isId(target.jti) ? { v: 1, type: "revoke", jti: target.jti, at } : undefined;
  return undefined;
}

/** The invalidation message for a target; undefined when the target is invalid. */
export function invalidationEvent(target: InvalidationTarget, at: number): FleetEvent | undefined {
  if ("all" in target)
    return target.all === true ? { v: 1, type: "invalidate", all: true, at } : undefined;
  if ("sub" in target && isId(target.sub)) return { v: 1, type: "invalidate", sub: target.sub, at };
  return undefined;
}

/** Parses a channel message; anything malformed is undefined (ignored, never trusted). */
export function parseFleetEvent(message: string): FleetEvent | undefined {
  let data: unknown;
  try {
    data = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof data !== "object" || data === null) return undefined;
  const e = data as Record<string, unknown>;
  if (e.v !== 1 || typeof e.at !== "number" || !Number.isFinite(e.at)) return undefined;
  const at = e.at;
  if (e.type === "revoke") {
    const targets = [
      typeof e.tokenHash === "string" ? { tokenHash: e.tokenHash } : undefined,
      e.sub !== undefined
        ? e.withoutSid === true
          ? { sub: e.sub as string, withoutSid: true as const }
          : { sub: e.sub as string }
        : undefined,
      e.userId !== undefined ? { userId: e.userId as string } : undefined,
      e.sid !== undefined ? { sid: e.sid as string } : undefined,
      e.jti !== undefined ? { jti: e.jti as string } : undefined,
    ].filter((t) => t !== undefined);
    // A message never carries a raw token, so the hash function is never called here.
    return targets.length === 1
      ? revocationEvent(targets[0] as RevocationTarget, at, () => "")
      : undefined;
  }
  if (e.type === "invalidate") {
    if (e.all === true && e.sub === undefined) return invalidationEvent({ all: true }, at);
    if (e.all === undefined) return invalidationEvent({ sub: e.sub as string }, at);
  }
  return undefined;
}

/** What `auth.revoke()` accepts, for its error message. */
export const REVOKE_HELP =
  "auth.revoke() takes exactly one of { token }, { tokenHash } (64 hex chars), { sub } (optionally with withoutSid: true), { userId }, { sid } or { jti }, each a non-empty string of printable characters without spaces.";
/** What `auth.invalidate()` accepts, for its error message. */
export const INVALIDATE_HELP = "auth.invalidate() takes { sub: string } or { all: true }.";
