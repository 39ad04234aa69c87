import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SETTINGS } from "../config/settings.js";
import { bindWarning, type RunningCli, runCli } from "./runCli.js";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

const running: RunningCli[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

async function startCli(env: Record<string, string>) {
  const c = capture();
  const result = await runCli([], { OXAIGEN_AUTH_MOCK_PORT: "0", ...env }, c.io);
  if (typeof result === "number") throw new Error(`exit ${result}: ${c.err.join("\n")}`);
  running.push(result);
  return { ...c, cli: result };
}

const CONTRACT_ENV = [
  "HOST",
  "PORT",
  "RELOAD",
  "CORS_ORIGINS",
  "TOKENS",
  "ACCESS_TOKEN_VALUE",
  "REFRESH_TOKEN_VALUE",
  "ACCESS_COOKIE_NAME",
  "REFRESH_COOKIE_NAME",
  "EXPIRES_IN",
  "REFRESH_EXPIRES_IN",
  "RETURN_TO",
  "AUTHORIZE_PATH",
  "AUTH_CODE",
  "LOGIN_AUTHORIZE_URL",
  "EMAIL",
  "USER_NAME",
  "FIRST_NAME",
  "LAST_NAME",
  "USER_ID",
  "ACCOUNT_TYPE",
  "WORKSPACE_ID",
  "WORKSPACE_NAME",
  "ROLE_NAMES",
  "PERMISSIONS",
  "FORBIDDEN_TOKEN",
];

describe("runCli", () => {
  it("--help lists every env var with its default", async () => {
    const { io, out } = capture();
    expect(await runCli(["--help"], {}, io)).toBe(0);
    const text = out.join("\n");
    for (const s of SETTINGS) {
      expect(text).toContain(s.env);
      expect(text).toContain(`default: ${s.defaultText}`);
    }
    // The Python mock's variables are a contract: listed here, not read from SETTINGS, so that dropping
    // one from SETTINGS fails this test.
    for (const suffix of CONTRACT_ENV) {
      const name = `OXAIGEN_AUTH_MOCK_${suffix}`;
      expect(SETTINGS.map((s) => s.env)).toContain(name);
      expect(text).toMatch(new RegExp(`^  ${name} `, "m"));
    }
    for (const contractDefault of [
      "8765",
      "mock-dev-token",
      "mock-dev-refresh-token",
      "OxaigenPlatformAuthAccessToken",
      "1800",
      "/_oxa_auth/mock-authorize",
      "mock-auth-code",
    ]) {
      expect(text).toContain(contractDefault);
    }
  });

  it.each([
    ["OXAIGEN_AUTH_MOCK_PORT", "abc"],
    ["OXAIGEN_AUTH_MOCK_PORT", "70000"],
    ["OXAIGEN_AUTH_MOCK_CORS_ORIGINS", "not a url"],
    ["OXAIGEN_AUTH_MOCK_CORS_ORIGINS", "http://localhost:5173/path"],
    ["OXAIGEN_AUTH_MOCK_EXPIRES_IN", "-5"],
    ["OXAIGEN_AUTH_MOCK_RELOAD", "maybe"],
    ["OXAIGEN_AUTH_MOCK_PERMISSIONS", "read,bad name"],
    ["OXAIGEN_AUTH_MOCK_LOGIN_AUTHORIZE_URL", "javascript:alert(1)"],
    ["OXAIGEN_AUTH_MOCK_RETURN_TO", "//evil.example"],
    ["OXAIGEN_AUTH_MOCK_ACCESS_COOKIE_NAME", "a b"],
    ["OXAIGEN_AUTH_MOCK_TOKENS", "ok,bad token"],
  ])("refuses %s=%s, naming the variable", async (name, value) => {
    const { io, err, out } = capture();
    expect(await runCli([], { [name]: value }, io)).toBe(1);
    expect(err.join("\n")).toContain(name);
    expect(out).toEqual([]);
  });

  it("refuses unknown arguments", async () => {
    const { io, err } = capture();
    expect(await runCli(["--port", "1"], {}, io)).toBe(2);
    expect(err.join("")).toMatch(/--help/);
  });

  it("prints the URL first, then the user, permissions and dev token", async () => {
    const { out, cli } = await startCli({
      OXAIGEN_AUTH_MOCK_PERMISSIONS: "read,audit",
      OXAIGEN_AUTH_MOCK_TOKENS: "t1",
    });
    expect(out[0]).toBe(cli.server().url);
    expect(out[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const rest = out.slice(1).join("\n");
    expect(rest).toContain("mock.user@example.com");
    expect(rest).toContain("read, audit");
    expect(rest).toContain("Bearer mock-dev-token");
    const res = await fetch(`${out[0]}/_oxa_auth/get-me`, {
      headers: { authorization: "Bearer t1" },
    });
    expect(res.status).toBe(200);
  });

  it("prints the non-loopback warning when started on such an address", async () => {
    // 192.0.2.1 (TEST-NET-1) is never a local address: the bind fails, so nothing is exposed,
    // but the warning must already be out before the attempt.
    const { io, err } = capture();
    const result = await runCli(
      [],
      { OXAIGEN_AUTH_MOCK_HOST: "192.0.2.1", OXAIGEN_AUTH_MOCK_PORT: "0" },
      io,
    );
    if (typeof result !== "number") {
      running.push(result);
      throw new Error("bound 192.0.2.1 unexpectedly");
    }
    expect(err.join("\n")).toMatch(/WARNING: listening on 192\.0\.2\.1, not loopback/);
  });

  it("warns about non-loopback binds only", () => {
    expect(bindWarning("0.0.0.0")).toMatch(/hands out tokens/);
    expect(bindWarning("192.168.1.10")).toMatch(/WARNING/);
    expect(bindWarning("127.0.0.1")).toBeUndefined();
    expect(bindWarning("localhost")).toBeUndefined();
    expect(bindWarning("::1")).toBeUndefined();
  });

  it("reload re-reads the env file on the same port and survives a broken edit", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mock-env-"));
    try {
      const file = join(dir, "mock.env");
      await writeFile(file, "OXAIGEN_AUTH_MOCK_PERMISSIONS=read\n");
      const { cli, err } = await startCli({
        OXAIGEN_AUTH_MOCK_RELOAD: "1",
        OXAIGEN_AUTH_MOCK_ENV_FILE: file,
      });
      expect(cli.watchedFile).toBe(file);
      const port = cli.server().port;
      const audit = () =>
        fetch(`${cli.server().url}/_oxa_auth/test-app-permission/audit`, {
          method: "POST",
          headers: { authorization: "Bearer mock-dev-token" },
        }).then((r) => r.status);
      expect(await audit()).toBe(403);
      await writeFile(file, "OXAIGEN_AUTH_MOCK_PERMISSIONS=read,audit\n");
      await cli.reload("test");
      expect(cli.server().port).toBe(port);
      expect(await audit()).toBe(200);
      await writeFile(file, "OXAIGEN_AUTH_MOCK_PORT=nope\n");
      await cli.reload("test");
      expect(err.join("\n")).toMatch(/reload failed.*OXAIGEN_AUTH_MOCK_PORT/);
      expect(await audit()).toBe(200);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("CORS warnings", () => {
  it("warns loudly when every web page may call the mock, and only then", async () => {
    for (const [value, warned] of [
      ["*", true],
      ["loopback", false],
      ["http://localhost:5173", false],
    ] as const) {
      const { err } = await startCli({ OXAIGEN_AUTH_MOCK_CORS_ORIGINS: value });
      expect(err.join("\n").includes("CORS_ORIGINS=*"), value).toBe(warned);
    }
  });
});
