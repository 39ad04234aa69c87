import { platform } from "#platform";
import { Auth } from "../kernel/Auth.js";
import { ConfigurationError } from "../kernel/errors.js";
import type { TokenValidator } from "../kernel/types.js";
import type { AuthOptions } from "./AuthOptions.js";
import { connectRedis } from "./connectRedis.js";
import { createBackchannelLogout } from "./createBackchannelLogout.js";
import { createDpop } from "./createDpop.js";
import { createValidatorFromSettings } from "./createValidatorFromEnv.js";
import { readSettings } from "./readSettings.js";
import { telemetryFor } from "./telemetryFor.js";

/**
 * Creates an {@link Auth} instance; reads the env once and fails fast (ConfigurationError naming
 * the variable) on invalid settings.
 *
 * @example
 * const auth = createAuth({ allowedHosts: "app.example.com", cacheTtlSeconds: 10 });
 * app.use(authMiddleware({ auth }));
 */
export function createAuth(options: AuthOptions = {}): Auth {
  const settings = readSettings(options.env ?? processEnv(), options);
  const validator = options.validator ?? createValidatorFromSettings(settings, options);
  const { protectedResource } = settings;
  if (protectedResource !== undefined) checkResourceAudience(validator, protectedResource.resource);
  const auth = new Auth(validator, settings.auth, options.logger ?? console, {
    platform,
    limits: settings.limits,
    backchannelLogout: createBackchannelLogout(validator, settings.backchannelLogout),
    telemetry: telemetryFor(options.telemetry),
    ...(protectedResource === undefined ? {} : { protectedResource }),
    dpop: createDpop(
      settings.dpop,
      validator.clockToleranceSeconds ?? settings.limits.clockToleranceSeconds,
    ),
  });
  if (settings.redis !== undefined) {
    connectRedis(auth, settings.redis, { ...settings.auth, ...settings.limits });
  }
  return auth;
}

/** Fails closed: a protected resource whose validator would accept tokens minted for others. */
function checkResourceAudience(validator: TokenValidator, resource: string): void {
  if (validator.anonymous !== undefined || validator.resource === resource) return;
  throw new ConfigurationError(
    validator.name === "proxy" ? PROXY_CANNOT_CHECK_RESOURCE : NO_RESOURCE_CHECK,
  );
}

/** Why proxy mode refuses AUTH_RESOURCE, and the ways out. */
const PROXY_CANNOT_CHECK_RESOURCE =
  "AUTH_RESOURCE cannot be enforced in proxy mode: the auth proxy's get-me answer describes the user, not the token, so nothing in it shows that the token's aud names this resource. Check tokens in this API instead: local JWT validation (AUTH_PROVIDER=oidc with AUTH_ISSUER, or AUTH_ISSUERS), or introspection (AUTH_INTROSPECTION_URL with AUTH_CLIENT_ID and AUTH_CLIENT_SECRET); or remove AUTH_RESOURCE, AUTH_AUTHORIZATION_SERVERS and AUTH_SCOPES_SUPPORTED to stay in proxy mode without a protected resource.";

const NO_RESOURCE_CHECK =
  "AUTH_RESOURCE needs a validator that checks the resource in each token's aud: local JWT validation (AUTH_PROVIDER=oidc, jwt, keycloak…, one issuer or AUTH_ISSUERS), introspection (AUTH_INTROSPECTION_URL), mixed mode, or createJwtValidator / createMultiIssuerValidator / createIntrospectionValidator given the same resource. A custom validator declares `resource` once it checks it.";

/** `process.env` where there is one; elsewhere (Workers) the settings must be passed in. */
export function processEnv(): Record<string, string | undefined> {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  if (env) return env;
  throw new ConfigurationError(
    'This runtime has no process.env: pass the settings explicitly, e.g. on Cloudflare Workers createAuth({ env }) with `import { env } from "cloudflare:workers"` (or the fetch handler\'s env).',
  );
}
