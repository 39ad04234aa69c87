import type { ClaimMapping } from "../../validators/jwt/mapClaimsToUser.js";
import type { Env } from "../env.js";
import type { AnyRow } from "../settingsTable.js";

/** What a preset contributes: defaults that the generic `AUTH_*` variables still override. */
export interface PresetDefaults {
  issuer?: string;
  jwksUrl?: string;
  audience?: string[];
  acceptAzpAsAudience?: boolean;
  algorithms?: string[];
  secret?: string;
  claims?: Partial<ClaimMapping>;
}

/**
 * A provider preset: a name and the defaults it derives from the provider's own variables
 * (`KEYCLOAK_URL`, `SUPABASE_URL`…). It is data for the one JWT validator, not a code path.
 * `defaults` is called once, by `readSettings`, with its read-once copy of the variables (each
 * a row of `SETTINGS`, read with `readOptionalSetting`).
 *
 * @example
 * const preset: Preset = { name: "acme", defaults: (env) => ({ issuer: readOptionalSetting(env, SETTINGS.acmeIssuer) }) };
 */
export interface Preset {
  readonly name: string;
  /** Rows of `SETTINGS` that configure it (see `Provider.variables`). */
  readonly variables?: readonly AnyRow[];
  /** Why the env asks for it without `AUTH_PROVIDER`, else undefined (see `Provider.detect`). */
  detect?(env: Env): string | undefined;
  /** Detected only when no other provider is (the generic one). */
  readonly fallback?: boolean;
  defaults(env: Env): PresetDefaults;
  /**
   * Its defaults for one of many issuers (`AUTH_ISSUERS`, the `issuers` option, a resolver's
   * answer), from the issuer and its audiences; presets without it take one issuer only.
   */
  forIssuer?(issuer: string, audiences: readonly string[]): PresetDefaults;
}
