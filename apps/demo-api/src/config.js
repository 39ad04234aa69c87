/**
 * Read the demo API's own settings from the environment (auth settings are read by
 * `@org/auth-server` itself, see its README).
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ host: string, port: number, webOrigins: string[] }}
 * @example
 * const { host, port } = readConfig(process.env);
 */
export function readConfig(env) {
  const host = env.HOST?.trim() || "127.0.0.1";
  const rawPort = env.PORT?.trim() || "8000";
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65535) {
    throw new Error(`PORT must be an integer from 0 to 65535 (got "${rawPort}").`);
  }
  const webOrigins = (env.DEMO_WEB_ORIGIN ?? "http://localhost:5173")
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of webOrigins) {
    if (!isOrigin(origin)) {
      throw new Error(
        `DEMO_WEB_ORIGIN must be a comma-separated list of origins like http://localhost:5173 (got "${origin}").`,
      );
    }
  }
  return { host, port, webOrigins };
}

/** @param {string} value */
function isOrigin(value) {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}
