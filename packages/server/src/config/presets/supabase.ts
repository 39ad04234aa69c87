import { readEnv } from "../env.js";
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
  variables: ["SUPABASE_URL", "SUPABASE_JWT_SECRET"],
  detect: (env) => (readEnv(env, "SUPABASE_URL") === undefined ? undefined : "SUPABASE_URL"),
  defaults(env) {
    const issuer = `${requiredBaseUrl(env, "SUPABASE_URL", "supabase")}/auth/v1`;
    const secret = readEnv(env, "SUPABASE_JWT_SECRET");
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
