import { decodeJwt } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { BAD_TOKEN_KINDS, PERSONA_NAMES, startMockAuth } from "../testing.js";
import type { MockAuthKit } from "./startMockAuth.js";

const started: MockAuthKit[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((kit) => kit.close()));
});

async function start(...args: Parameters<typeof startMockAuth>): Promise<MockAuthKit> {
  const kit = await startMockAuth(...args);
  started.push(kit);
  return kit;
}

const getMe = (kit: MockAuthKit, token: string) =>
  fetch(`${kit.url}/_oxa_auth/get-me`, { headers: { authorization: `Bearer ${token}` } });

describe("startMockAuth", () => {
  it("starts side by side on distinct free loopback ports, each with its own keys", async () => {
    const kits = await Promise.all([start(), start(), start()]);
    const ports = kits.map((k) => new URL(k.url).port);
    expect(new Set(ports).size).toBe(3);
    for (const kit of kits) {
      expect(new URL(kit.url).hostname).toBe("127.0.0.1");
      expect(kit.issuer).toBe(kit.url);
      expect((await getMe(kit, await kit.token())).status).toBe(200);
    }
    const [a, b] = kits;
    // A token of one mock is not valid at another: separate signing keys and issuers.
    expect((await getMe(b, await a.token())).status).toBe(401);
  });

  it("serves its discovery document and JWKS at the URLs it reports", async () => {
    const kit = await start();
    const discovery = (await (
      await fetch(`${kit.issuer}/.well-known/openid-configuration`)
    ).json()) as { issuer: string; jwks_uri: string };
    expect(discovery.issuer).toBe(kit.issuer);
    expect(discovery.jwks_uri).toBe(kit.jwksUrl);
    const jwks = (await (await fetch(kit.jwksUrl)).json()) as { keys: { kid: string }[] };
    const { kid } = JSON.parse(
      Buffer.from((await kit.token()).split(".")[0] as string, "base64url").toString(),
    ) as { kid: string };
    expect(jwks.keys.map((k) => k.kid)).toContain(kid);
  });

  it("token(name) mints for each built-in persona; token(options) passes every option on", async () => {
    const kit = await start();
    for (const name of PERSONA_NAMES) {
      const claims = decodeJwt(await kit.token(name));
      expect(claims.preferred_username).toBe(name);
      expect(claims.iss).toBe(kit.issuer);
      expect(claims.aud).toBe(kit.audience);
    }
    expect(decodeJwt(await kit.token()).sub).toBe("mock-user-id");
    expect(decodeJwt(await kit.token("alice")).sub).toBe("alice");
    const custom = decodeJwt(
      await kit.token({ sub: "alice", claims: { app_id: "app-1" }, expiresIn: 42 }),
    );
    expect(custom.app_id).toBe("app-1");
    expect((custom.exp as number) - (custom.iat as number)).toBe(42);
    expect(decodeJwt(await kit.mintToken({ appOnly: true, clientId: "indexer" })).sub).toBe(
      "indexer",
    );
  });

  it("every BAD_TOKEN_KINDS token is refused by the mock's own get-me", async () => {
    const kit = await start();
    expect(BAD_TOKEN_KINDS.length).toBeGreaterThanOrEqual(7);
    for (const bad of BAD_TOKEN_KINDS) {
      const res = await getMe(kit, await kit.token({ sub: "mock-admin", bad }));
      expect(res.status, bad).toBe(401);
    }
  });

  it("reset() restores the start-up state and forgets the sessions of minted tokens", async () => {
    const kit = await start({ permissions: ["read", "audit"] });
    const token = await kit.token("mock-admin");
    kit.setState({ permissions: [], loginError: "access_denied", userName: "someone-else" });
    expect(kit.getState().permissions).toEqual([]);
    const state = kit.reset();
    expect(state.permissions).toEqual(["read", "audit"]);
    expect(kit.getState()).toMatchObject({ loginError: null, userName: "mock-user" });
    expect((await getMe(kit, token)).status).toBe(401);
    expect((await getMe(kit, await kit.token("mock-admin"))).status).toBe(200);
  });

  it("env() names the variables of @org/auth-server for each mode", async () => {
    const kit = await start({ audience: "my-api" });
    expect(kit.env("jwt")).toEqual({
      AUTH_PROVIDER: "jwt",
      AUTH_ISSUER: kit.issuer,
      AUTH_AUDIENCE: "my-api",
    });
    expect(kit.env("proxy")).toMatchObject({
      AUTH_PROVIDER: "proxy",
      OXAIGEN_AUTH_PROXY_URL_OVERRIDE: kit.url,
    });
    expect(() => kit.env("oidc" as never)).toThrow(/"proxy" or "jwt"/);
  });

  it("ignores host and port: it always binds 127.0.0.1 on a free port", async () => {
    const kit = await start({ host: "0.0.0.0", port: 1 } as never);
    expect(new URL(kit.url).hostname).toBe("127.0.0.1");
    expect(new URL(kit.url).port).not.toBe("1");
  });

  it("close() stops listening", async () => {
    const kit = await startMockAuth();
    await kit.close();
    await expect(fetch(`${kit.url}/_oxa_auth/get-me`)).rejects.toThrow();
  });
});
