import type { FleetEvent } from "./fleetEvents.js";
import type { TokenFacts } from "./TokenFacts.js";

/**
 * How a marker refuses: `token` refuses outright (one token, one token id); `issue` refuses the
 * tokens issued up to its time (a subject, user or session); `invalidation` only makes answers
 * cached up to its time stale.
 */
export type MarkerEffect = "token" | "issue" | "invalidation";

/**
 * One marker name (without the Redis prefix) that could concern a token, and what it does.
 *
 * @example
 * const marker: FactMarker = { name: "rev:sid:s-1", effect: "issue", scoped: false };
 */
export interface FactMarker {
  name: string;
  effect: MarkerEffect;
  /** Whether only an event naming an issuer sets it (a list that saw none skips it). */
  scoped: boolean;
}

/**
 * The scope part of a marker name. Unscoped (`rev:sub:{sub}`): every issuer's tokens. Scoped to
 * an issuer (`rev:sub@{encoded iss}:{sub}`): only that issuer's. `@` alone (`rev:sub@:{sub}`):
 * what a scoped revocation leaves for tokens that name no issuer, which it covers too (they
 * cannot show that they come from another issuer). The encoding has no `:`, and an issuer is
 * never empty, so the three forms never collide.
 */
const UNSCOPED = "";
const ISSUERLESS = "@";

/** The scope part for an issuer, or undefined when it cannot be encoded (a lone surrogate). */
function scopeOf(iss: string): string | undefined {
  try {
    return `@${encodeURIComponent(iss)}`;
  } catch {
    return undefined;
  }
}

/**
 * The marker names an event sets (the in-process list and Redis use the same names): a scoped
 * event sets its issuer's marker and the issuerless one.
 *
 * @example
 * eventMarkers({ v: 1, type: "revoke", sid: "s-1", at }); // ["rev:sid:s-1"]
 * eventMarkers({ v: 1, type: "revoke", sub: "u1", iss: "https://a/", at });
 * // ["rev:sub@https%3A%2F%2Fa%2F:u1", "rev:sub@:u1"]
 */
export function eventMarkers(event: FleetEvent): string[] {
  const named = namedTarget(event);
  if (named === undefined) return event.type === "invalidate" && event.all ? ["inv:all"] : [];
  const [kind, id] = named;
  if (kind === "rev:tok") return [`${kind}:${id}`];
  if (event.iss === undefined) return [`${kind}:${id}`];
  const scope = scopeOf(event.iss);
  return scope === undefined
    ? [`${kind}${ISSUERLESS}:${id}`]
    : [`${kind}${scope}:${id}`, `${kind}${ISSUERLESS}:${id}`];
}

/** The marker kind and id an event names (undefined for `invalidate` + `all`). */
function namedTarget(event: FleetEvent): [string, string] | undefined {
  if (event.type === "invalidate") {
    return event.sub === undefined ? undefined : ["inv:sub", event.sub];
  }
  if (event.tokenHash !== undefined) return ["rev:tok", event.tokenHash];
  if (event.jti !== undefined) return ["rev:jti", event.jti];
  if (event.userId !== undefined) return ["rev:uid", event.userId];
  if (event.sub !== undefined) return [event.withoutSid ? "rev:subnosid" : "rev:sub", event.sub];
  return event.sid === undefined ? undefined : ["rev:sid", event.sid];
}

/** Marker lists by facts object, with the token hashes they were listed for. */
const memo = new WeakMap<
  TokenFacts,
  { hash: string; spelling: string | undefined; markers: readonly FactMarker[] }
>();

/**
 * Every marker name that could concern a token with these facts (memoised per facts object: a
 * cache hit checks them on every request once any revocation was seen; listed again when the
 * facts' token hashes were filled in later).
 *
 * @example
 * for (const { name, effect } of factMarkers(facts)) entries.get(name);
 */
export function factMarkers(facts: TokenFacts): readonly FactMarker[] {
  const { tokenHash: hash, spellingHash: spelling } = facts;
  const known = memo.get(facts);
  if (known !== undefined && known.hash === hash && known.spelling === spelling) {
    return known.markers;
  }
  const markers = listMarkers(facts);
  memo.set(facts, { hash, spelling, markers });
  return markers;
}

function listMarkers(facts: TokenFacts): FactMarker[] {
  const markers: FactMarker[] = [
    { name: `rev:tok:${facts.tokenHash}`, effect: "token", scoped: false },
  ];
  if (facts.spellingHash !== undefined) {
    markers.push({ name: `rev:tok:${facts.spellingHash}`, effect: "token", scoped: false });
  }
  const own = facts.iss === undefined ? ISSUERLESS : (scopeOf(facts.iss) ?? ISSUERLESS);
  const add = (kind: string, id: string | undefined, effect: MarkerEffect) => {
    if (id === undefined) return;
    markers.push({ name: `${kind}${UNSCOPED}:${id}`, effect, scoped: false });
    markers.push({ name: `${kind}${own}:${id}`, effect, scoped: true });
  };
  add("rev:jti", facts.jti, "token");
  add("rev:sub", facts.sub, "issue");
  if (facts.sid === undefined) add("rev:subnosid", facts.sub, "issue");
  add("rev:uid", facts.userId, "issue");
  add("rev:sid", facts.sid, "issue");
  add("inv:sub", facts.sub, "invalidation");
  markers.push({ name: "inv:all", effect: "invalidation", scoped: false });
  return markers;
}
