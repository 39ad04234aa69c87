import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCurrentUser, sendError, toResponse } from "../src/bindings/node/index.js";
import { createAuth } from "../src/index.js";
import { UPSTREAM_PUBLIC_MESSAGE } from "../src/kernel/errors.js";
import { type FakeIdp, type FixtureKey, makeKey, signToken, startFakeIdp } from "./jwtFixtures.js";
import { listen } from "./listen.js";
import { type StandInProxy, startStandInProxy, userBody } from "./standInProxy.js";

const TOKEN = "alice-token.abc";
const silent = { warn: () => {} };

/** The 502 body must be generic: no upstream URL, host, port, path or setting name. */
function expectGenericBody(text: string, upstreamUrl: string): void {
  expect(JSON.parse(text)).toEqual({ error: "upstream_error", message: UPSTREAM_PUBLIC_MESSAGE });
  const { host, hostname, port, pathname } = new URL(upstreamUrl);
  for (const secret of [upstreamUrl, host, hostname, port, pathname, "_oxa_auth", "OXAIGEN_AUTH"]) {
    if (secret !== "" && secret !== "/") expect(text).not.toContain(secret);
  }
  expect(text).not.toContain(TOKEN);
}

/** What the server itself sees: the detailed, how-to-fix message. */
function serverSideMessage(error: unknown): string {
  expect(error).toMatchObject({ status: 502, code: "upstream_error" });
  return (error as Error).message;
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe("502 bodies do not leak upstream URLs or configuration hints", () => {
  describe("proxy mode, over node:http", () => {
    let proxy: StandInProxy;
    beforeAll(async () => {
      proxy = await startStandInProxy({ [TOKEN]: userBody("alice") });
    });
    afterAll(() => proxy.close());

    async function bodyFor(proxyUrl: string): Promise<{ text: string; detail: string }> {
      const auth = createAuth({ env: {}, proxyUrlOverride: proxyUrl, logger: silent });
      let caught: unknown;
      const server: Server = createServer((req, res) => {
        getCurrentUser(req, { auth }).then(
          () => res.end("ok"),
          (error: unknown) => {
            caught = error;
            sendError(res, error);
          },
        );
      });
      const app = await listen(server);
      try {
        const res = await fetch(`${app.url}/me`, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect(res.status).toBe(502);
        return { text: await res.text(), detail: serverSideMessage(caught) };
      } finally {
        await app.close();
        await auth.close();
      }
    }

    it("the proxy answers 500", async () => {
      proxy.mode = "status500";
      const { text, detail } = await bodyFor(proxy.url);
      expectGenericBody(text, proxy.url);
      expect(detail).toMatch(/HTTP 500.*OXAIGEN_AUTH_PROXY_URL_OVERRIDE/);
    });

    it("the proxy refuses the connection", async () => {
      const url = await closedPortUrl();
      const { text, detail } = await bodyFor(url);
      expectGenericBody(text, url);
      expect(detail).toMatch(/ECONNREFUSED/);
    });
  });

  describe("JWT mode, as a Web Response", () => {
    let key: FixtureKey;
    let idp: FakeIdp;
    beforeAll(async () => {
      key = await makeKey("ES256", "k1");
      idp = await startFakeIdp([key]);
    });
    afterAll(() => idp.close());

    async function bodyFor(): Promise<{ text: string; detail: string }> {
      const auth = createAuth({
        env: { AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: "api" },
        logger: silent,
      });
      const token = await signToken(key, { iss: idp.issuer, aud: "api" });
      const request = new Request("http://app.test/me", {
        headers: { authorization: `Bearer ${token}` },
      });
      let caught: unknown;
      try {
        const res = await getCurrentUser(request, { auth }).then(
          () => new Response("ok"),
          (error: unknown) => {
            caught = error;
            return toResponse(error);
          },
        );
        expect(res.status).toBe(502);
        const text = await res.text();
        expect(text).not.toContain(token);
        return { text, detail: serverSideMessage(caught) };
      } finally {
        await auth.close();
      }
    }

    it("discovery answers 503", async () => {
      idp.failWith = 503;
      try {
        const { text, detail } = await bodyFor();
        expectGenericBody(text, idp.issuer);
        expect(detail).toContain(idp.issuer);
      } finally {
        idp.failWith = undefined;
      }
    });

    it("discovery names another issuer", async () => {
      idp.discoveryOverrides = { issuer: "https://other.example/" };
      try {
        const { text, detail } = await bodyFor();
        expectGenericBody(text, idp.issuer);
        expect(text).not.toContain("other.example");
        expect(detail).toMatch(/AUTH_ISSUER/);
      } finally {
        idp.discoveryOverrides = {};
      }
    });
  });
});
