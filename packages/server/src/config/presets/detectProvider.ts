import { ConfigurationError } from "../../kernel/errors.js";
import { type Env, readEnv, readOptionalBoolean, snapshotEnv } from "../env.js";
import { BUILT_IN_PROVIDERS, getAdapter, registeredAdapterNames } from "../registerAdapter.js";

/**
 * Which validator the environment asks for, and why (for the start-up log line).
 *
 * @example
 * const { provider, reason } = detectProvider(process.env); // { provider: "keycloak", reason: "KEYCLOAK_URL + KEYCLOAK_REALM" }
 */
export interface ProviderDetection {
  provider: string;
  reason: string;
}

/**
 * Picks the provider: `AUTH_PROVIDER` when set, else auto-detection (a bare `AUTH_ENABLED=false` →
 * none; with any provider or proxy variable also set it throws instead of silently ignoring them,
 * `SUPABASE_URL` → supabase, `KEYCLOAK_URL` + `KEYCLOAK_REALM` → keycloak, `AUTH_ISSUER` /
 * `OIDC_ISSUER` (with or without `AUTH_JWKS_URL`) → jwt, one enabled custom adapter → it).
 * Nothing set → proxy: it fails closed rather than running without auth. Conflicting (e.g.
 * proxy-only `OXAIGEN_AUTH_*` variables next to a JWT provider's) or incomplete settings throw a
 * configuration error naming the variables.
 *
 * @example
 * detectProvider({ SUPABASE_URL: "https://abc.supabase.co" }).provider; // "supabase"
 */
export function detectProvider(source: Env): ProviderDetection {
  // One read of each variable, however many of the checks below look at it.
  const env = snapshotEnv(source);
  const enabled = readOptionalBoolean(env, "AUTH_ENABLED");
  const explicit = readEnv(env, "AUTH_PROVIDER")?.toLowerCase();
  if (explicit !== undefined) return checkExplicit(explicit, enabled);
  if (enabled === false) return checkBareDisable(env);
  checkIncomplete(env);
  const candidates = detectCandidates(env);
  const proxyVar = PROXY_VARS.find((name) => readEnv(env, name) !== undefined);
  if (proxyVar !== undefined && candidates.length > 0) {
    candidates.unshift({ provider: "proxy", reason: proxyVar });
  }
  if (candidates.length > 1) {
    throw new ConfigurationError(
      `Several auth providers are configured (${candidates.map((c) => `${c.provider} via ${c.reason}`).join("; ")}): set AUTH_PROVIDER to the one to use.`,
    );
  }
  return candidates[0] ?? { provider: "proxy", reason: "no provider settings (default)" };
}

/** Settings that only make sense in proxy mode: with a JWT provider also configured, ask. */
const PROXY_VARS = [
  "OXAIGEN_AUTH_PROXY_URL_OVERRIDE",
  "OXAIGEN_AUTH_DEV_MODE",
  "OXAIGEN_AUTH_ALLOWED_HOSTS",
];

/**
 * Variables that choose or configure who vouches for tokens. `AUTH_ENABLED=false` next to any of
 * them is a leftover or a mistake, never a clear wish to run without auth: refuse it.
 */
const TRUST_VARS = [
  "SUPABASE_URL",
  "SUPABASE_JWT_SECRET",
  "KEYCLOAK_URL",
  "KEYCLOAK_REALM",
  "KEYCLOAK_CLIENT_ID",
  "AUTH0_DOMAIN",
  "AUTH_ISSUER",
  "OIDC_ISSUER",
  "OIDC_CLIENT_ID",
  "AUTH_JWKS_URL",
  "AUTH_AUDIENCE",
  "AUTH_JWT_SECRET",
  "OXAIGEN_AUTH_PROXY_URL_OVERRIDE",
  "OXAIGEN_AUTH_DEV_PROXY_URL",
  "OXAIGEN_AUTH_ALLOWED_HOSTS",
];

function checkBareDisable(env: Env): ProviderDetection {
  const set = TRUST_VARS.filter((name) => readEnv(env, name) !== undefined);
  // Dev mode is a boolean: only "on" asks for the proxy.
  if (readOptionalBoolean(env, "OXAIGEN_AUTH_DEV_MODE") === true) set.push("OXAIGEN_AUTH_DEV_MODE");
  for (const name of registeredAdapterNames()) {
    if (getAdapter(name)?.isEnabled?.() === true) set.push(`registered adapter "${name}"`);
  }
  if (set.length > 0) {
    throw new ConfigurationError(
      `AUTH_ENABLED=false would switch authentication off although ${set.join(", ")} ${set.length === 1 ? "is" : "are"} set: remove AUTH_ENABLED=false to validate tokens with ${set.length === 1 ? "it" : "them"}, or remove ${set.length === 1 ? "it" : "them"} to run without auth (AUTH_PROVIDER=none switches auth off explicitly).`,
    );
  }
  return { provider: "none", reason: "AUTH_ENABLED=false" };
}

function checkExplicit(provider: string, enabled: boolean | undefined): ProviderDetection {
  if (enabled === false && provider !== "none") {
    throw new ConfigurationError(
      `AUTH_ENABLED=false contradicts AUTH_PROVIDER=${provider}: remove one of them (AUTH_PROVIDER=none switches auth off).`,
    );
  }
  if (!BUILT_IN_PROVIDERS.includes(provider) && getAdapter(provider) === undefined) {
    const known = [...BUILT_IN_PROVIDERS, ...registeredAdapterNames()].join(", ");
    throw new ConfigurationError(
      `AUTH_PROVIDER=${provider} is unknown: use one of ${known}, or registerAdapter("${provider}", adapter) before start-up.`,
    );
  }
  return { provider, reason: "AUTH_PROVIDER" };
}

function checkIncomplete(env: Env): void {
  const url = readEnv(env, "KEYCLOAK_URL");
  const realm = readEnv(env, "KEYCLOAK_REALM");
  if (url !== undefined && realm === undefined) {
    throw new ConfigurationError(
      "KEYCLOAK_URL is set without KEYCLOAK_REALM: set both (or neither).",
    );
  }
  if (realm !== undefined && url === undefined) {
    throw new ConfigurationError(
      "KEYCLOAK_REALM is set without KEYCLOAK_URL: set both (or neither).",
    );
  }
  const issuer = readEnv(env, "AUTH_ISSUER") ?? readEnv(env, "OIDC_ISSUER");
  if (readEnv(env, "AUTH_JWKS_URL") !== undefined && issuer === undefined && url === undefined) {
    throw new ConfigurationError(
      "AUTH_JWKS_URL is set without AUTH_ISSUER (or OIDC_ISSUER): set the issuer too, or AUTH_PROVIDER=jwt with AUTH_VERIFY_ISSUER=false (not recommended).",
    );
  }
}

function detectCandidates(env: Env): ProviderDetection[] {
  const found: ProviderDetection[] = [];
  if (readEnv(env, "SUPABASE_URL") !== undefined) {
    found.push({ provider: "supabase", reason: "SUPABASE_URL" });
  }
  if (readEnv(env, "KEYCLOAK_URL") !== undefined) {
    found.push({ provider: "keycloak", reason: "KEYCLOAK_URL + KEYCLOAK_REALM" });
  }
  const issuerVar = readEnv(env, "AUTH_ISSUER") !== undefined ? "AUTH_ISSUER" : "OIDC_ISSUER";
  if (readEnv(env, issuerVar) !== undefined && found.length === 0) {
    const jwks = readEnv(env, "AUTH_JWKS_URL") === undefined ? "" : "AUTH_JWKS_URL + ";
    found.push({ provider: "jwt", reason: `${jwks}${issuerVar}` });
  }
  for (const name of registeredAdapterNames()) {
    if (getAdapter(name)?.isEnabled?.() === true) {
      found.push({ provider: name, reason: `registered adapter "${name}" is enabled` });
    }
  }
  return found;
}
