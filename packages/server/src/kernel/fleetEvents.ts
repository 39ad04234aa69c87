/**
 * What a revocation names: one token (however it is spelled), every token of a subject (its
 * `sub` claim), of a user (the mapped `User.id`, which may come from another claim) or of a
 * session (issued up to now), or one token id. `{ sub, withoutSid: true }` names the subject's
 * tokens that carry no `sid` claim (what a logout of one session must also end). `iss` scopes a
 * subject, user, session or token id to one issuer: with many issuers, `sub: "42"` of one tenant
 * is not `sub: "42"` of another (tokens that name no issuer are covered either way). A raw token
 * never leaves the process: it travels as `tokenHash`.
 *
 * @example
 * await auth.revoke({ sid: logoutToken.sid, iss: logoutToken.iss });
 * await auth.revoke({ userId: req.user.id }); // every token of this user, whatever claim names it
 * await auth.revoke({ sub: "42", iss: "https://tenant-a.example.com/" }); // one tenant's user 42
 * await auth.revoke({ token }); // sent as its hash, never as is
 */
export type RevocationTarget =
  | { token: string }
  | { tokenHash: string }
  | { sub: string; withoutSid?: true; iss?: string }
  | { userId: string; iss?: string }
  | { sid: string; iss?: string }
  | { jti: string; iss?: string };

/**
 * What an invalidation names: the cached answers about one subject (of one issuer, with `iss`;
 * its permissions changed), or every cached answer. Unlike a revocation, the tokens stay valid:
 * they are validated again.
 *
 * @example
 * await auth.invalidate({ sub: "user-42" }); // after granting "audit" to user-42
 */
export type InvalidationTarget = { sub: string; iss?: string } | { all: true };

/**
 * One message on the fleet channel (JSON). Exactly one of `tokenHash`, `sub`, `userId`, `sid`,
 * `jti`, `all` is set (`withoutSid` may accompany `sub`; `iss` may accompany `sub`, `userId`,
 * `sid` or `jti`); `at` is when it happened (epoch ms): a `sub`, `userId` or `sid` revocation
 * refuses the tokens issued up to `at`, an invalidation drops the answers cached up to `at`.
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
  /** The issuer the target belongs to: only its tokens (and those naming none) are covered. */
  iss?: string;
  at: number;
}

const HEX64 = /^[0-9a-f]{64}$/;
// Identifiers go into Redis key names and logs: printable ASCII without spaces, bounded.
const ID = /^[\x21-\x7e]{1,256}$/;
// Issuers are URLs: printable ASCII without spaces, bounded like a URL.
const ISSUER = /^[\x21-\x7e]{1,2048}$/;

function isId(value: unknown): value is string {
  return typeof value === "string" && ID.test(value);
}

/** Adds a valid `iss` (or none); undefined when `iss` is given but invalid. */
function scoped(event: FleetEvent, iss: unknown): FleetEvent | undefined {
  if (iss === undefined) return event;
  return typeof iss === "string" && ISSUER.test(iss) ? { ...event, iss } : undefined;
}

/** The one field a revocation message carries, checked; undefined when the target is invalid. */
export function revocationEvent(
  target: RevocationTarget,
  at: number,
  tokenHashOf: (token: string) => string,
): FleetEvent | undefined {
  if (typeof target !== "object" || target === null) return undefined;
  const { iss } = target as { iss?: unknown };
  if ("token" in target) {
    return iss === undefined && typeof target.token === "string" && target.token !== ""
      ? { v: 1, type: "revoke", tokenHash: tokenHashOf(target.token), at }
      : undefined;
  }
  if ("tokenHash" in target) {
    return iss === undefined && typeof target.tokenHash === "string" && HEX64.test(target.tokenHash)
      ? { v: 1, type: "revoke", tokenHash: target.tokenHash, at }
      : undefined;
  }
  const event = identityEvent(target, at);
  return event === undefined ? undefined : scoped(event, iss);
}

/** A `sub` / `userId` / `sid` / `jti` revocation without its issuer; undefined when invalid. */
function identityEvent(target: RevocationTarget, at: number): FleetEvent | undefined {
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
  if (typeof target !== "object" || target === null) return undefined;
  if ("all" in target) {
    return target.all === true && !("iss" in target)
      ? { v: 1, type: "invalidate", all: true, at }
      : undefined;
  }
  if ("sub" in target && isId(target.sub)) {
    return scoped({ v: 1, type: "invalidate", sub: target.sub, at }, target.iss);
  }
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
  const scope = e.iss === undefined ? {} : { iss: e.iss as string };
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
      ? revocationEvent({ ...targets[0], ...scope } as RevocationTarget, at, () => "")
      : undefined;
  }
  if (e.type === "invalidate") {
    if (e.all === true && e.sub === undefined && e.iss === undefined) {
      return invalidationEvent({ all: true }, at);
    }
    if (e.all === undefined) return invalidationEvent({ sub: e.sub as string, ...scope }, at);
  }
  return undefined;
}

/** What `auth.revoke()` accepts, for its error message. */
export const REVOKE_HELP =
  "auth.revoke() takes exactly one of { token }, { tokenHash } (64 hex chars), { sub } (optionally with withoutSid: true), { userId }, { sid } or { jti }, each a non-empty string of printable characters without spaces; { sub }, { userId }, { sid } and { jti } may add the issuer they belong to, { iss } (an issuer URL, up to 2048 printable characters).";
/** What `auth.invalidate()` accepts, for its error message. */
export const INVALIDATE_HELP =
  "auth.invalidate() takes { sub: string } (optionally with its issuer, iss) or { all: true }.";
