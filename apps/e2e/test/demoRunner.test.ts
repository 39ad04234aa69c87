import { spawn } from "node:child_process";
import { connect, createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort } from "../src/freePort.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");

function isListening(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.setTimeout(1000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe("pnpm demo (scripts/demo.mjs)", () => {
  it("starts mock, API and web on three origins, prints the URL, and Ctrl-C stops all three", async () => {
    const [mockPort, apiPort, webPort] = [await freePort(), await freePort(), await freePort()];
    const runner = spawn(process.execPath, [join(root, "scripts/demo.mjs")], {
      cwd: root,
      env: {
        ...process.env,
        DEMO_SKIP_BUILD: "1",
        OXAIGEN_AUTH_MOCK_PORT: String(mockPort),
        DEMO_API_PORT: String(apiPort),
        DEMO_WEB_PORT: String(webPort),
        NO_COLOR: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    runner.stdout.on("data", (chunk) => {
      output += chunk;
    });
    runner.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => runner.once("exit", resolve));
    try {
      await expect
        .poll(() => output, { timeout: 30_000, interval: 200 })
        .toContain(`ready: open http://localhost:${webPort}`);

      const web = await fetch(`http://localhost:${webPort}/`);
      expect(web.status).toBe(200);
      expect(await web.text()).toContain('<div id="root">');
      const health = await fetch(`http://127.0.0.1:${apiPort}/health`);
      expect(health.status).toBe(200);
      // Dev mode: the API asks the mock about the mock's static dev token.
      const me = await fetch(`http://127.0.0.1:${apiPort}/v1/me`, {
        headers: { authorization: "Bearer mock-dev-token" },
      });
      expect(me.status).toBe(200);
      // The mock's own port variable is honoured, and the banner says where everything is.
      expect(output).toContain(`mock auth API http://127.0.0.1:${mockPort}`);
      expect(await isListening(mockPort)).toBe(true);
      // Every line carries its service prefix.
      expect(output).toMatch(/^mock \| http:\/\/127\.0\.0\.1:/m);
      expect(output).toMatch(/^api {2}\| demo-api listening on/m);
      expect(output).toMatch(/^web {2}\| .*Local:/m);

      runner.kill("SIGINT");
      const code = await Promise.race([
        exited,
        new Promise((resolve) => setTimeout(() => resolve("timeout"), 8000)),
      ]);
      expect(code).toBe(0);
      for (const port of [mockPort, apiPort, webPort]) expect(await isListening(port)).toBe(false);
    } finally {
      // On failure too: SIGINT lets the runner stop its children's process groups first.
      if (runner.exitCode === null) {
        runner.kill("SIGINT");
        const timer = setTimeout(() => runner.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
    }
  }, 60_000);

  it.each([
    ["OXAIGEN_AUTH_MOCK_PORT", "the mock auth API"],
    ["DEMO_API_PORT", "the demo API"],
  ])(
    "a busy %s port stops it before the build, naming the variable to change",
    async (name, what) => {
      const busy = createServer();
      await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
      const address = busy.address();
      const busyPort = typeof address === "object" && address ? address.port : 0;
      try {
        const ports: Record<string, string> = {
          OXAIGEN_AUTH_MOCK_PORT: String(await freePort()),
          DEMO_API_PORT: String(await freePort()),
          DEMO_WEB_PORT: String(await freePort()),
          [name]: String(busyPort),
        };
        // No DEMO_SKIP_BUILD: the check must come before the (slow) build.
        const { code, output } = await runToExit({ ...ports, NO_COLOR: "1" }, 15_000);
        expect(code).toBe(1);
        expect(output).toContain(`port ${busyPort} (${what}) is in use`);
        expect(output).toContain(`${name}=`);
        expect(output).not.toContain("building");
      } finally {
        await new Promise((resolve) => busy.close(resolve));
      }
    },
  );

  it("refuses port 0 with a message saying why", async () => {
    const { code, output } = await runToExit({ OXAIGEN_AUTH_MOCK_PORT: "0" }, 15_000);
    expect(code).toBe(2);
    expect(output).toContain("OXAIGEN_AUTH_MOCK_PORT must be a port number from 1 to 65535");
  });
});

/** Run scripts/demo.mjs with extra env until it exits (killed after `timeoutMs`). */
function runToExit(
  extraEnv: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  const runner = spawn(process.execPath, [join(root, "scripts/demo.mjs")], {
    cwd: root,
    env: { ...process.env, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  runner.stdout.on("data", (chunk) => {
    output += chunk;
  });
  runner.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const timer = setTimeout(() => runner.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) =>
    runner.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}
