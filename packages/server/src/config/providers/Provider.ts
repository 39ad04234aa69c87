import type { AuthLogger } from "../../kernel/settings.js";
import type { TokenValidator } from "../../kernel/types.js";
import type { AuthOptions } from "../AuthOptions.js";
import type { Env } from "../env.js";
import type { AnyRow } from "../settingsTable.js";

/**
 * What a provider's validator is built with, besides its own settings section.
 *
 * @example
 * const context: ProviderContext = { options, logger: console, production: false };
 */
export interface ProviderContext {
  readonly options: AuthOptions;
  readonly logger: AuthLogger;
  /** `NODE_ENV=production`. */
  readonly production: boolean;
}

/**
 * One way of validating tokens as the configuration sees it: its `AUTH_PROVIDER` name, how the
 * env asks for it without that variable, its settings section (read once, by `readSettings`)
 * and how its validator is made from that section. A new provider is one of these in
 * `config/providers/` and one line in `config/providers/providers.ts`; its variables are rows of
 * `SETTINGS` (`config/settingsTable.ts`).
 *
 * @example
 * const acme: Provider<AcmeSettings> = {
 *   name: "acme",
 *   variables: [SETTINGS.acmeUrl],
 *   detect: (env) => (isSet(env, SETTINGS.acmeUrl) ? SETTINGS.acmeUrl.env : undefined),
 *   readSection: (env) => ({ url: readOptionalSetting(env, SETTINGS.acmeUrl) }),
 *   create: (section) => createAcmeValidator(section),
 * };
 */
export interface Provider<Section = unknown> {
  /** The `AUTH_PROVIDER` value. */
  readonly name: string;
  /** Rows that configure it: `AUTH_ENABLED=false` next to any of them is refused. */
  readonly variables?: readonly AnyRow[];
  /**
   * Why the env asks for this provider when `AUTH_PROVIDER` is unset (e.g. `"SUPABASE_URL"`),
   * else undefined; throws a ConfigurationError for settings that are set but incomplete.
   */
  detect?(env: Env): string | undefined;
  /** Detected only when no provider before it in the table was (the generic one). */
  readonly fallback?: boolean;
  /** Its settings section (undefined: it needs none). */
  readSection(env: Env, options: AuthOptions): Section;
  /** Its validator, from its section: reads no env. */
  create(section: Section, context: ProviderContext): TokenValidator;
}
