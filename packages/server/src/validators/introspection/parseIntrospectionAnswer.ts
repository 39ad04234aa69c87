import { hasProtoKey } from "../../kernel/claimPath.js";

/**
 * A checked RFC 7662 answer: `active`, and (when active) its members, each of the type the RFC
 * gives it. Unknown members are kept as they came (for claim mapping), within the size bounds.
 *
 * @example
 * const answer: IntrospectionAnswer = { active: true, claims: { sub: "alice", scope: "read" } };
 */
export interface IntrospectionAnswer {
  readonly active: boolean;
  readonly claims: Readonly<Record<string, unknown>>;
}

/** Why an answer is not an introspection answer: the validator turns it into a 502. */
export class MalformedAnswer extends Error {}

const MAX_STRING = 2048;
const MAX_SCOPE = 8192;
const MAX_AUDIENCES = 64;
const MAX_MEMBERS = 256;
const STRING_MEMBERS = [
  "sub",
  "client_id",
  "username",
  "iss",
  "token_type",
  "jti",
  "sid",
  "typ",
] as const;
const TIME_MEMBERS = ["exp", "iat", "nbf", "auth_time"] as const;

/**
 * Parses and checks an introspection endpoint's JSON body (already bounded in bytes): a JSON
 * object whose `active` is a boolean, and, when active, whose registered members have their
 * RFC 7662 types (`scope` a space-separated string, times integers, `aud` a string or a list of
 * strings, `cnf` an object), each of bounded size. Throws {@link MalformedAnswer} otherwise: a
 * server that answers anything else cannot vouch for a token.
 *
 * @example
 * const { active, claims } = parseIntrospectionAnswer('{"active":true,"sub":"alice"}');
 */
export function parseIntrospectionAnswer(text: string): IntrospectionAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MalformedAnswer("the body is not JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new MalformedAnswer("the body is not a JSON object");
  }
  const body = parsed as Record<string, unknown>;
  if (typeof body.active !== "boolean") {
    throw new MalformedAnswer("`active` is missing or not a boolean (RFC 7662 §2.2)");
  }
  // An inactive answer carries nothing else worth reading (RFC 7662 §2.2).
  if (!body.active) return { active: false, claims: {} };
  checkMembers(body);
  return { active: true, claims: Object.freeze(body) };
}

function checkMembers(body: Record<string, unknown>): void {
  if (Object.keys(body).length > MAX_MEMBERS) {
    throw new MalformedAnswer(`the answer has more than ${MAX_MEMBERS} members`);
  }
  if (hasProtoKey(body)) throw new MalformedAnswer("the answer holds a __proto__ key");
  for (const name of STRING_MEMBERS) checkString(body, name, MAX_STRING);
  checkString(body, "scope", MAX_SCOPE);
  for (const name of TIME_MEMBERS) {
    const value = body[name];
    if (value !== undefined && !(typeof value === "number" && Number.isSafeInteger(value))) {
      throw new MalformedAnswer(`\`${name}\` is not an integer number of seconds`);
    }
  }
  const aud = body.aud;
  if (aud !== undefined && typeof aud !== "string") {
    const list = Array.isArray(aud) && aud.length <= MAX_AUDIENCES ? aud : undefined;
    if (list === undefined || list.some((item) => typeof item !== "string")) {
      throw new MalformedAnswer(
        `\`aud\` is neither a string nor a list of at most ${MAX_AUDIENCES} strings`,
      );
    }
  }
  if (typeof aud === "string" && aud.length > MAX_STRING) {
    throw new MalformedAnswer(`\`aud\` is longer than ${MAX_STRING} characters`);
  }
  const cnf = body.cnf;
  if (cnf !== undefined && (typeof cnf !== "object" || cnf === null || Array.isArray(cnf))) {
    throw new MalformedAnswer("`cnf` is not an object");
  }
}

function checkString(body: Record<string, unknown>, name: string, max: number): void {
  const value = body[name];
  if (value === undefined) return;
  if (typeof value !== "string") throw new MalformedAnswer(`\`${name}\` is not a string`);
  if (value.length > max) throw new MalformedAnswer(`\`${name}\` is longer than ${max} characters`);
}
