import { isSet, readOptionalSetting, SETTINGS } from "../settingsTable.js";
import type { Preset } from "./Preset.js";
import { requiredBaseUrl } from "./presetUrl.js";

/**
 * Supabase: issuer `{SUPABASE_URL}/auth/v1`, its JWKS, `aud=authenticated`, ES256/RS256, and
 * HS256 only when the legacy `SUPABASE_JWT_SECRET` is set.
 *
 * @example
 * // SUPABASE_URL=https://abc.supabase.co  (AUTH_PROVIDER may stay unset: it is auto-detected)
 * const validator = createValidatorFromEnv(process.env);
 */
export const supabasePreset: Preset = {
  name: "supabase",
  variables: [SETTINGS.supabaseUrl, SETTINGS.supabaseJwtSecret],
  detect: (env) => (isSet(env, SETTINGS.supabaseUrl) ? SETTINGS.supabaseUrl.env : undefined),
  defaults(env) {
    const issuer = `${requiredBaseUrl(env, SETTINGS.supabaseUrl, "supabase")}/auth/v1`;
    const secret = readOptionalSetting(env, SETTINGS.supabaseJwtSecret);
    return {
      issuer,
      jwksUrl: `${issuer}/.well-known/jwks.json`,
      audience: ["authenticated"],
      algorithms: ["ES256", "RS256", ...(secret === undefined ? [] : ["HS256"])],
      ...(secret === undefined ? {} : { secret }),
      claims: {
        roles: [["app_metadata", "roles"], ["role"]],
        name: [
          ["user_metadata", "full_name"],
          ["user_metadata", "name"],
        ],
      },
    };
  },
};
