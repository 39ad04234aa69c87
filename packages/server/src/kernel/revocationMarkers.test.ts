import { describe, expect, it } from "vitest";
import { type FleetEvent, parseFleetEvent, revocationEvent } from "./fleetEvents.js";
import { eventMatches, RevocationList } from "./RevocationList.js";
import { eventMarkers, factMarkers } from "./revocationMarkers.js";
import type { TokenFacts } from "./TokenFacts.js";

const A = "https://sso.example.com/realms/tenant-a";
const B = "https://sso.example.com/realms/tenant-b";
const HOUR = 3_600_000;

function facts(extra: Partial<TokenFacts> = {}): TokenFacts {
  return { tokenHash: "a".repeat(64), issuedAt: 1000, validatedAt: 1000, ...extra };
}

function revoke(target: Record<string, unknown>, at = 2000): FleetEvent {
  const event = revocationEvent(target as never, at, () => "h".repeat(64));
  if (event === undefined) throw new Error("invalid target");
  return event;
}

function listOf(...events: FleetEvent[]): RevocationList {
  const list = new RevocationList();
  for (const event of events) list.apply(event, HOUR);
  return list;
}

describe("revocations scoped to an issuer", () => {
  it.each([
    ["sub", { sub: "42" }],
    ["userId", { userId: "42" }],
    ["sid", { sid: "42" }],
    ["jti", { jti: "42" }],
  ])("a %s revocation with iss refuses that issuer's token only", (_kind, target) => {
    const event = revoke({ ...target, iss: A });
    const ofA = facts({ iss: A, sub: "42", userId: "42", sid: "42", jti: "42" });
    const ofB = facts({ iss: B, sub: "42", userId: "42", sid: "42", jti: "42" });
    const list = listOf(event);
    expect(list.isRevoked(ofA)).toBe(true);
    expect(list.isRevoked(ofB)).toBe(false);
    expect(eventMatches(event, ofA)).toBe(true);
    expect(eventMatches(event, ofB)).toBe(false);
  });

  it("a revocation without iss still covers every issuer", () => {
    const event = revoke({ sub: "42" });
    const list = listOf(event);
    for (const iss of [A, B, undefined]) {
      const token = facts({ sub: "42", ...(iss === undefined ? {} : { iss }) });
      expect(list.isRevoked(token)).toBe(true);
      expect(eventMatches(event, token)).toBe(true);
    }
  });

  it("a token that names no issuer is covered by a scoped revocation (fail closed)", () => {
    const event = revoke({ sid: "s-1", iss: A });
    const issuerless = facts({ sid: "s-1" });
    expect(listOf(event).isRevoked(issuerless)).toBe(true);
    expect(eventMatches(event, issuerless)).toBe(true);
  });

  it("an issuer that cannot be encoded is treated as naming none (covered by every scope)", () => {
    const broken = facts({ iss: "https://x/\ud800", sub: "42" });
    expect(listOf(revoke({ sub: "42", iss: A })).isRevoked(broken)).toBe(true);
  });

  it("an identifier spelled like a scoped marker never collides with one", () => {
    const encodedA = encodeURIComponent(A);
    // Unscoped sub "@{encoded A}:42" vs scoped sub "42" of A, and the issuerless form.
    const lookalike = revoke({ sub: `@${encodedA}:42` });
    expect(listOf(lookalike).isRevoked(facts({ iss: A, sub: "42" }))).toBe(false);
    const issuerlessLookalike = revoke({ sub: "@:42" });
    expect(listOf(issuerlessLookalike).isRevoked(facts({ sub: "42" }))).toBe(false);
    // And the other way round: the scoped revocation does not refuse the lookalike subject.
    expect(listOf(revoke({ sub: "42", iss: A })).isRevoked(facts({ sub: `@${encodedA}:42` }))).toBe(
      false,
    );
  });

  it("the marker names are those docs/contracts.md gives", () => {
    expect(eventMarkers(revoke({ sid: "s-1" }))).toEqual(["rev:sid:s-1"]);
    expect(eventMarkers(revoke({ sid: "s-1", iss: "https://id.example.com/" }))).toEqual([
      "rev:sid@https%3A%2F%2Fid.example.com%2F:s-1",
      "rev:sid@:s-1",
    ]);
    expect(eventMarkers(revoke({ sub: "u", withoutSid: true, iss: A }))[0]).toMatch(
      /^rev:subnosid@https%3A/,
    );
    const names = factMarkers(facts({ iss: A, sub: "u" })).map((marker) => marker.name);
    expect(names).toContain("rev:sub:u");
    expect(names).toContain(`rev:sub@${encodeURIComponent(A)}:u`);
    expect(names).not.toContain("rev:sub@:u");
    expect(factMarkers(facts({ sub: "u" })).map((marker) => marker.name)).toContain("rev:sub@:u");
  });

  it("an invalidation with iss makes only that issuer's answers stale", () => {
    const list = new RevocationList();
    list.apply({ v: 1, type: "invalidate", sub: "42", iss: A, at: 2000 }, HOUR);
    expect(list.isStale(facts({ iss: A, sub: "42" }))).toBe(true);
    expect(list.isStale(facts({ iss: B, sub: "42" }))).toBe(false);
  });

  it("refuses iss where it means nothing or is malformed, and ignores such messages", () => {
    expect(revocationEvent({ token: "t", iss: A } as never, 1, () => "h")).toBeUndefined();
    expect(revocationEvent({ sub: "42", iss: "has space" }, 1, () => "h")).toBeUndefined();
    expect(revocationEvent({ sub: "42", iss: "" }, 1, () => "h")).toBeUndefined();
    expect(revocationEvent({ sub: "42", iss: "x".repeat(2049) }, 1, () => "h")).toBeUndefined();
    expect(revocationEvent({ sub: "42", iss: 7 } as never, 1, () => "h")).toBeUndefined();
    expect(
      parseFleetEvent(JSON.stringify({ v: 1, type: "revoke", sub: "42", iss: 7, at: 1 })),
    ).toBe(undefined);
    expect(
      parseFleetEvent(JSON.stringify({ v: 1, type: "invalidate", all: true, iss: A, at: 1 })),
    ).toBeUndefined();
    expect(
      parseFleetEvent(JSON.stringify({ v: 1, type: "revoke", sid: "s", iss: A, at: 1 })),
    ).toEqual({ v: 1, type: "revoke", sid: "s", iss: A, at: 1 });
  });
});

describe("factMarkers", () => {
  it("lists the markers again when the facts' token hash is filled in later", () => {
    const later = facts({ tokenHash: "" });
    expect(factMarkers(later)[0]?.name).toBe("rev:tok:");
    later.tokenHash = "b".repeat(64);
    expect(factMarkers(later)[0]?.name).toBe(`rev:tok:${"b".repeat(64)}`);
    const list = listOf(revoke({ tokenHash: "b".repeat(64) }));
    expect(list.isRevoked(later)).toBe(true);
  });
});
