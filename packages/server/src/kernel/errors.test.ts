import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { rejectUpgrade } from "../bindings/websocket/rejectUpgrade.js";
import {
  CONFIGURATION_PUBLIC_MESSAGE,
  ConfigurationError,
  InvalidRequestError,
  InvalidTokenError,
  PermissionDeniedError,
  UPSTREAM_PUBLIC_MESSAGE,
  UpstreamError,
} from "./errors.js";

const DETAIL =
  "The auth proxy failed (GET /_oxa_auth/get-me: ECONNREFUSED at http://10.0.0.7:8080); set OXAIGEN_AUTH_PROXY_URL_OVERRIDE.";

describe("AuthError bodies", () => {
  it("5xx: the body is generic, the detail stays in message and cause", () => {
    const cause = new Error("connect ECONNREFUSED 10.0.0.7:8080");
    const upstream = new UpstreamError(DETAIL, { cause });
    expect(upstream.message).toBe(DETAIL);
    expect(upstream.cause).toBe(cause);
    expect(upstream.toJSON()).toEqual({
      error: "upstream_error",
      message: UPSTREAM_PUBLIC_MESSAGE,
    });
    expect(JSON.stringify(upstream)).not.toMatch(/10\.0\.0\.7|_oxa_auth|OXAIGEN/);
    expect(new UpstreamError().toJSON().message).toBe(UPSTREAM_PUBLIC_MESSAGE);

    const config = new ConfigurationError("AUTH_ISSUER must be an absolute http(s) URL.");
    expect(config.message).toMatch(/AUTH_ISSUER/);
    expect(config.toJSON()).toEqual({
      error: "configuration_error",
      message: CONFIGURATION_PUBLIC_MESSAGE,
    });
  });

  it("4xx: the body keeps the message, which tells the client what to do", () => {
    for (const error of [
      new InvalidTokenError("Invalid access token: token expired."),
      new PermissionDeniedError("audit"),
      new InvalidRequestError("The Host header is malformed."),
    ]) {
      expect(error.toJSON()).toEqual({ error: error.code, message: error.message });
    }
  });

  it("a refused WebSocket upgrade sends the generic body too", async () => {
    const socket = new PassThrough();
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    rejectUpgrade(socket, new UpstreamError(DETAIL));
    await new Promise((resolve) => socket.once("end", resolve));
    const raw = Buffer.concat(chunks).toString("utf8");
    expect(raw).toMatch(/^HTTP\/1\.1 502 /);
    expect(raw).toContain(UPSTREAM_PUBLIC_MESSAGE);
    expect(raw).not.toMatch(/10\.0\.0\.7|_oxa_auth|OXAIGEN/);
  });
});
