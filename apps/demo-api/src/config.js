/**
 * Read the demo API's own settings from the environment (auth settings are read by
 * `@org/auth-server` itself, see its README).
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ host: string, port: number, webOrigins: string[], stepUpMaxAgeSeconds: number }}
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
  // How recent the multi-factor sign-in of the dangerous action must be (step-up).
  const rawMaxAge = env.DEMO_STEP_UP_MAX_AGE_SECONDS?.trim() || "300";
  if (!/^\d{1,6}$/.test(rawMaxAge)) {
    throw new Error(`DEMO_STEP_UP_MAX_AGE_SECONDS must be whole seconds (got "${rawMaxAge}").`);
  }
  return { host, port, webOrigins, stepUpMaxAgeSeconds: Number(rawMaxAge) };
}

/** @param {string} value */
function isOrigin(value) {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}
