/** Where the demo finds the auth API and its backend, from Vite env variables. */
export interface DemoConfig {
  authApiUrl: string;
  apiUrl: string;
  /** Origin of `apiUrl`: the only origin that receives the access token. */
  apiOrigin: string;
  /** Refresh leeway in seconds, or undefined for the SDK default. */
  refreshLeewaySeconds: number | undefined;
  /** How long the demo API caches a token's user, when known (shown, not enforced). */
  apiCacheSeconds: number | undefined;
  /** DPoP-bound tokens (`VITE_AUTH_DPOP=true`): the demo API must accept them (`AUTH_DPOP`). */
  dpop: boolean;
}

/**
 * Read the demo's configuration from `import.meta.env`.
 * @example
 * const { apiUrl } = readConfig(import.meta.env);
 */
export function readConfig(env: ImportMetaEnv): DemoConfig {
  const authApiUrl = trimSlash(env.VITE_AUTH_API_URL || "http://127.0.0.1:8765");
  const apiUrl = trimSlash(env.VITE_API_URL || "http://127.0.0.1:8000");
  const leeway = env.VITE_AUTH_REFRESH_LEEWAY_SECONDS;
  const refreshLeewaySeconds = leeway ? Number(leeway) : undefined;
  if (refreshLeewaySeconds !== undefined && !(refreshLeewaySeconds >= 0)) {
    throw new Error("VITE_AUTH_REFRESH_LEEWAY_SECONDS must be a number of seconds >= 0.");
  }
  const cache = Number(env.VITE_API_CACHE_TTL_SECONDS);
  const apiCacheSeconds = cache >= 0 ? cache : undefined;
  return {
    authApiUrl,
    apiUrl,
    apiOrigin: new URL(apiUrl).origin,
    refreshLeewaySeconds,
    apiCacheSeconds,
    dpop: env.VITE_AUTH_DPOP === "true",
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
