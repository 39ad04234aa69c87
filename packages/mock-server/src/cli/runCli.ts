import { DEFAULT_SERVER_SETTINGS } from "../config/settings.js";
import { isLoopbackHost } from "../core/cookies.js";
import { MockAuthError } from "../MockAuthError.js";
import { configFromEnv, type EnvConfig } from "../node/configFromEnv.js";
import { type MockServer, startMockServer } from "../node/startMockServer.js";
import { helpText } from "./helpText.js";

type Env = Record<string, string | undefined>;

/** Where the CLI writes; injectable for tests. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const VERSION = "0.1.0";

/** Environment plus the `OXAIGEN_AUTH_MOCK_*` entries of the env file (the file wins). */
async function readEnv(env: Env): Promise<Env> {
  const file = env.OXAIGEN_AUTH_MOCK_ENV_FILE?.trim();
  if (!file) return env;
  const [{ readFile }, { parseEnv }] = await Promise.all([
    import("node:fs/promises"),
    import("node:util"),
  ]);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new MockAuthError(
      "invalid_config",
      `OXAIGEN_AUTH_MOCK_ENV_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  const fromFile = Object.entries(parseEnv(text)).filter(([k]) =>
    k.startsWith("OXAIGEN_AUTH_MOCK_"),
  );
  return { ...env, ...Object.fromEntries(fromFile) };
}

function summary(server: MockServer, config: EnvConfig): string[] {
  const s = server.getState();
  const cors = server.mock.settings.corsOrigins;
  return [
    `auth-mock-server: user ${s.userName} <${s.email}> (id ${s.userId}), workspace ${s.workspaceName}`,
    `  permissions: ${s.permissions.join(", ") || "(none)"}; roles: ${s.roleNames.join(", ") || "(none)"}`,
    `  dev token: Authorization: Bearer ${server.mock.settings.accessTokenValue}${
      s.forbiddenToken ? `  (forbidden token: ${s.forbiddenToken})` : ""
    }`,
    `  CORS origins: ${describeOrigins(cors)}; JWT issuer ${server.url}`,
    `  change the user at run time: PUT ${server.url}/_oxa_auth/mock/state${config.reload ? "; reload: SIGHUP" : ""}`,
  ];
}

function describeOrigins(cors: MockServer["mock"]["settings"]["corsOrigins"]): string {
  if (cors === "*") return "* (any origin, reflected)";
  return cors === "loopback"
    ? "loopback pages (localhost, 127.x.x.x, [::1], any port)"
    : cors.join(", ");
}

/** The warning printed when any web page may call the mock with the user's cookies. */
export function corsWarning(
  cors: MockServer["mock"]["settings"]["corsOrigins"],
): string | undefined {
  if (cors !== "*") return undefined;
  return "auth-mock-server: WARNING: OXAIGEN_AUTH_MOCK_CORS_ORIGINS=* lets every web page you visit call this mock with your cookies (refresh, logout). List your app's origins instead.";
}

async function start(
  env: Env,
  io: CliIo,
  port?: number,
): Promise<{ server: MockServer; config: EnvConfig }> {
  const config = configFromEnv(await readEnv(env));
  const host = config.host ?? DEFAULT_SERVER_SETTINGS.host;
  const warning = bindWarning(host);
  if (warning) io.err(warning);
  const corsWarn = corsWarning(config.corsOrigins ?? "loopback");
  if (corsWarn) io.err(corsWarn);
  const server = await startMockServer({
    ...config,
    host,
    port: port ?? config.port ?? DEFAULT_SERVER_SETTINGS.port,
  });
  return { server, config };
}

/** A running CLI server: the signal handlers in `cli.ts` drive it. */
export interface RunningCli {
  server(): MockServer;
  /** Close the server (SIGINT/SIGTERM). */
  stop(): Promise<void>;
  /** Re-read the config and restart; a bad config keeps the running server (SIGHUP). */
  reload(why: string): Promise<void>;
  /** `OXAIGEN_AUTH_MOCK_RELOAD` is on. */
  reloadable: boolean;
  /** The env file to watch when reload is on, else null. */
  watchedFile: string | null;
}

/** The warning printed when binding a non-loopback address, or undefined. */
export function bindWarning(host: string): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  return `auth-mock-server: WARNING: listening on ${host}, not loopback. This server hands out tokens to anyone who can reach it.`;
}

/**
 * Run the CLI: parse flags, read env, start the server, print the URL and then a summary.
 * Returns an exit code for flag-only runs and start-up failures, else the running server.
 */
export async function runCli(
  argv: readonly string[],
  env: Env,
  io: CliIo,
): Promise<number | RunningCli> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.out(helpText(VERSION));
    return 0;
  }
  if (argv.includes("--version") || argv.includes("-v")) {
    io.out(VERSION);
    return 0;
  }
  if (argv.length > 0) {
    io.err(
      `auth-mock-server: unknown argument ${JSON.stringify(argv[0])}; settings come from env vars, see --help`,
    );
    return 2;
  }
  let current: { server: MockServer; config: EnvConfig };
  try {
    current = await start(env, io);
  } catch (error) {
    io.err(`auth-mock-server: ${error instanceof MockAuthError ? error.message : String(error)}`);
    return 1;
  }
  io.out(current.server.url);
  for (const line of summary(current.server, current.config)) io.out(line);
  let reloading = false;
  return {
    server: () => current.server,
    stop: () => current.server.close(),
    reloadable: current.config.reload === true,
    watchedFile: current.config.reload
      ? (env.OXAIGEN_AUTH_MOCK_ENV_FILE?.trim() ?? null) || null
      : null,
    async reload(why) {
      if (!current.config.reload || reloading) return;
      reloading = true;
      try {
        // Validate before stopping anything: a broken edit keeps the running server.
        const config = configFromEnv(await readEnv(env));
        const old = current;
        const keepPort = config.port === undefined || config.port === old.config.port;
        await old.server.close();
        current = await start(env, io, keepPort ? old.server.port : config.port);
        io.out(`auth-mock-server: reloaded (${why}) at ${current.server.url}`);
        for (const line of summary(current.server, current.config)) io.out(line);
      } catch (error) {
        io.err(
          `auth-mock-server: reload failed, keeping the previous config: ${(error as Error).message}`,
        );
      } finally {
        reloading = false;
      }
    },
  };
}
