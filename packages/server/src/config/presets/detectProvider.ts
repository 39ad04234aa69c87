import { ConfigurationError } from "../../kernel/errors.js";
import type { Env } from "../env.js";
import { PROVIDERS } from "../providers/providers.js";
import { BUILT_IN_PROVIDERS, getAdapter, registeredAdapterNames } from "../registerAdapter.js";
import { isSet, readOptionalSetting, SETTINGS } from "../settingsTable.js";
import { snapshotEnv } from "../snapshotEnv.js";

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
  const enabled = readOptionalSetting(env, SETTINGS.enabled);
  const explicit = readOptionalSetting(env, SETTINGS.provider)?.toLowerCase();
  if (explicit !== undefined) return checkExplicit(explicit, enabled);
  if (enabled === false) return checkBareDisable(env);
  const candidates = detectCandidates(env);
  if (candidates.length > 1) {
    throw new ConfigurationError(
      `Several auth providers are configured (${candidates.map((c) => `${c.provider} via ${c.reason}`).join("; ")}): set AUTH_PROVIDER to the one to use.`,
    );
  }
  return candidates[0] ?? { provider: "proxy", reason: "no provider settings (default)" };
}

/**
 * Variables that choose or configure who vouches for tokens (every provider's `variables`).
 * `AUTH_ENABLED=false` next to any of them is a leftover or a mistake, never a clear wish to run
 * without auth: refuse it.
 */
const TRUST_ROWS = [
  ...new Set(
    // The default provider's (proxy) last: the message names the specific settings first.
    [
      ...PROVIDERS.filter((p) => p.name !== "proxy"),
      ...PROVIDERS.filter((p) => p.name === "proxy"),
    ].flatMap((provider) => provider.variables ?? []),
  ),
];

function checkBareDisable(env: Env): ProviderDetection {
  const set = TRUST_ROWS.filter((row) => isSet(env, row)).map((row) => row.env);
  // Dev mode is a boolean: only "on" asks for the proxy.
  if (readOptionalSetting(env, SETTINGS.devMode) === true) set.push(SETTINGS.devMode.env);
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
  return { provider, reason: SETTINGS.provider.env };
}

/**
 * What each provider's detection says (all of them run, so an incomplete setting always throws):
 * the generic provider only when no specific one matched, then every enabled custom adapter;
 * the proxy's variables count only to name a conflict (it is the default anyway).
 */
function detectCandidates(env: Env): ProviderDetection[] {
  const seen = PROVIDERS.map((provider) => ({ provider, reason: provider.detect?.(env) }));
  const specific = seen.filter((s) => s.reason !== undefined && s.provider.fallback !== true);
  const found: ProviderDetection[] = seen
    .filter((s) => s.reason !== undefined && s.provider.name !== "proxy")
    .filter(
      (s) => s.provider.fallback !== true || specific.every((t) => t.provider.name === "proxy"),
    )
    .map((s) => ({ provider: s.provider.name, reason: s.reason as string }));
  for (const name of registeredAdapterNames()) {
    if (getAdapter(name)?.isEnabled?.() === true) {
      found.push({ provider: name, reason: `registered adapter "${name}" is enabled` });
    }
  }
  const proxy = seen.find((s) => s.provider.name === "proxy" && s.reason !== undefined);
  if (proxy !== undefined && found.length > 0) {
    found.unshift({ provider: "proxy", reason: proxy.reason as string });
  }
  return found;
}
