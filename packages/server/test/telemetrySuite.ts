import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Auth, createAuth } from "../src/index.js";
import type { AppUnderTest, StartApp } from "./bindingSuite.js";
import { type OtelRecorder, type Point, startOtelRecorder, total } from "./otelRecorder.js";
import { type StandInProxy, startStandInProxy, userBody } from "./standInProxy.js";

/** A token nobody could guess, shaped like an opaque proxy token. */
const randomToken = () =>
  `${randomBytes(24).toString("base64url")}.${randomBytes(8).toString("hex")}`;

/**
 * Metrics, spans and decision lines, for one binding: each outcome appears with its attributes,
 * and no exported byte carries a token. Runs against the real OpenTelemetry SDK (in-memory
 * exporters) and a real stand-in proxy.
 */
export function describeTelemetry(name: string, startApp: StartApp): void {
  describe(`${name} binding: OpenTelemetry and decision logs`, () => {
    const alice = randomToken();
    const bob = randomToken();
    const bogus = randomToken();
    const failing = randomToken();
    let proxy: StandInProxy;
    let otel: OtelRecorder;
    let auth: Auth;
    let app: AppUnderTest;
    const debugLines: string[] = [];
    const errorLines: string[] = [];
    let points: Point[];

    const get = (path: string, token?: string) =>
      fetch(`${app.url}${path}`, {
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });

    beforeAll(async () => {
      proxy = await startStandInProxy({
        [alice]: userBody("alice", ["audit"]),
        [bob]: userBody("bob", []),
      });
      otel = startOtelRecorder();
      auth = createAuth({
        env: {},
        proxyUrlOverride: proxy.url,
        proxyTimeoutSeconds: 5,
        negativeCacheTtlSeconds: 0,
        telemetry: otel.telemetry,
        logger: {
          warn: () => {},
          error: (line) => errorLines.push(line),
          debug: (line) => debugLines.push(line),
        },
      });
      app = await startApp(auth);
      // Each outcome once (the second /me of alice is a cache hit).
      expect((await get("/me", alice)).status).toBe(200);
      expect((await get("/me", alice)).status).toBe(200);
      expect((await get("/me")).status).toBe(401);
      expect((await get("/me", bogus)).status).toBe(401);
      expect((await get("/audit", bob)).status).toBe(403);
      expect((await get("/public")).status).toBe(200);
      expect((await get("/maybe", bogus)).status).toBe(200);
      proxy.mode = "status500";
      expect((await get("/me", failing)).status).toBe(502);
      proxy.mode = "normal";
      points = await otel.points();
    });

    afterAll(async () => {
      await app?.close();
      await auth?.close();
      await proxy?.close();
      await otel?.close();
    });

    it("counts decisions by outcome, reason and status", () => {
      const decisions = (match: Record<string, unknown>) => total(points, "auth.decisions", match);
      // alice's /me twice (and a binding's middleware before each guard counts too).
      expect(
        decisions({ "auth.decision.outcome": "allowed", "auth.decision.reason": "ok" }),
      ).toBeGreaterThanOrEqual(2);
      expect(
        decisions({
          "auth.decision.outcome": "refused",
          "auth.decision.reason": "no_token",
          "http.response.status_code": 401,
        }),
      ).toBe(1);
      expect(
        decisions({ "auth.decision.outcome": "refused", "auth.decision.reason": "invalid_token" }),
      ).toBe(1);
      expect(
        decisions({
          "auth.decision.outcome": "refused",
          "auth.decision.reason": "permission_denied",
          "http.response.status_code": 403,
        }),
      ).toBe(1);
      expect(
        decisions({
          "auth.decision.outcome": "refused",
          "auth.decision.reason": "upstream_error",
          "http.response.status_code": 502,
        }),
      ).toBe(1);
      expect(
        decisions({ "auth.decision.outcome": "anonymous", "auth.decision.reason": "no_token" }),
      ).toBeGreaterThanOrEqual(2);
      expect(
        decisions({
          "auth.decision.outcome": "anonymous",
          "auth.decision.reason": "invalid_token",
        }),
      ).toBeGreaterThanOrEqual(2);
    });

    it("counts in-process cache lookups: hits, misses", () => {
      expect(
        total(points, "auth.cache.lookups", {
          "auth.cache.level": "memory",
          "auth.cache.result": "hit",
        }),
      ).toBeGreaterThanOrEqual(2);
      expect(
        total(points, "auth.cache.lookups", {
          "auth.cache.level": "memory",
          "auth.cache.result": "miss",
        }),
      ).toBeGreaterThanOrEqual(4);
    });

    it("times each upstream call with its operation and outcome", () => {
      const calls = (match: Record<string, unknown>) =>
        total(points, "auth.upstream.duration", match);
      const port = Number(new URL(proxy.url).port);
      expect(
        calls({
          "auth.upstream.operation": "get_me",
          "auth.upstream.outcome": "ok",
          "http.request.method": "GET",
          "http.response.status_code": 200,
          "server.address": "127.0.0.1",
          "server.port": port,
        }),
      ).toBe(2); // alice, bob (alice's second request was a cache hit)
      expect(
        calls({
          "auth.upstream.operation": "get_me",
          "auth.upstream.outcome": "rejected",
          "http.response.status_code": 401,
        }),
      ).toBe(2); // bogus on /me and /maybe (no negative cache here)
      expect(
        calls({
          "auth.upstream.operation": "get_me",
          "auth.upstream.outcome": "error",
          "error.type": "upstream_error",
          "http.response.status_code": 500,
        }),
      ).toBe(1);
      expect(
        calls({
          "auth.upstream.operation": "permission",
          "auth.upstream.outcome": "ok",
          "http.request.method": "POST",
          "http.response.status_code": 403,
        }),
      ).toBe(1);
      expect(points.find((point) => point.name === "auth.upstream.duration")?.unit).toBe("s");
    });

    it("makes one client span per upstream call, an error status for the failed one", () => {
      const spans = otel.spans();
      const getMe = spans.filter((span) => span.name === "auth get_me");
      expect(getMe).toHaveLength(5);
      expect(getMe.every((span) => span.kind === 2)).toBe(true); // CLIENT
      const failed = getMe.filter((span) => span.status.code === 2);
      expect(failed).toHaveLength(1);
      expect(failed[0]?.attributes).toMatchObject({
        "auth.upstream.outcome": "error",
        "error.type": "upstream_error",
        "http.response.status_code": 500,
      });
      const permission = spans.filter((span) => span.name === "auth permission");
      expect(permission).toHaveLength(1);
      expect(permission[0]?.attributes).toMatchObject({
        "auth.upstream.operation": "permission",
        "http.request.method": "POST",
        "auth.upstream.outcome": "ok",
      });
    });

    it("reports the limiter's load at collection", () => {
      expect(points.find((point) => point.name === "auth.limiter.active")?.value).toBe(0);
      expect(points.find((point) => point.name === "auth.limiter.queued")?.value).toBe(0);
    });

    it("writes one debug line per refusal and one error line per 5xx, with the reason code", () => {
      expect(debugLines).toEqual([
        "@org/auth-server: refused 401 no_token",
        "@org/auth-server: refused 401 invalid_token",
        "@org/auth-server: refused 403 permission_denied",
      ]);
      expect(errorLines).toHaveLength(1);
      expect(errorLines[0]).toMatch(/^@org\/auth-server: answered 502 upstream_error: /);
    });

    it("never exports a token, nor a user id unless the app opts in", async () => {
      const exported = await otel.exported();
      for (const token of [alice, bob, bogus, failing]) {
        expect(exported).not.toContain(token);
        // Nor a recognisable piece of one.
        expect(exported).not.toContain(token.slice(0, 16));
      }
      expect(exported).not.toContain("enduser.id");
      expect(exported).not.toContain('"alice"');
      for (const line of [...debugLines, ...errorLines]) {
        for (const token of [alice, bob, bogus, failing]) expect(line).not.toContain(token);
      }
    });
  });
}
