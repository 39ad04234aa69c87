import type { JWTVerifyGetKey } from "jose";
import type { Auth, BackchannelLogoutHandler } from "../kernel/Auth.js";
import { ConfigurationError, InvalidRequestError } from "../kernel/errors.js";
import type { TokenValidator } from "../kernel/types.js";
import {
  type BackchannelLogoutDeps,
  handleBackchannelLogout,
} from "../logout/handleBackchannelLogout.js";
import { replayWindowMs, verifyLogoutToken } from "../logout/verifyLogoutToken.js";
import { JwtValidator } from "../validators/jwt/JwtValidator.js";
import { MultiIssuerValidator } from "../validators/jwt/MultiIssuerValidator.js";
import { unverifiedIssuer } from "../validators/jwt/unverifiedIssuer.js";

/**
 * Settings of the OpenID back-channel logout endpoint.
 *
 * @example
 * const auth = createAuth({ backchannelLogout: { audience: "orders-web" } });
 */
export interface BackchannelLogoutOptions {
  /**
   * The `aud` a logout token must carry: this app's client id(s) at the identity provider.
   * Default `AUTH_BACKCHANNEL_LOGOUT_AUDIENCE` (a list), else `AUTH_AUDIENCE`.
   */
  audience?: string | readonly string[];
}

/**
 * The resolved back-channel logout section of the settings (see `readSettings`).
 *
 * @example
 * const section: BackchannelLogoutSettings = { audience: ["orders-web"] };
 */
export interface BackchannelLogoutSettings {
  /** The option, else `AUTH_BACKCHANNEL_LOGOUT_AUDIENCE`, else `AUTH_AUDIENCE`; undefined: none. */
  readonly audience: string | readonly string[] | undefined;
}

function report(auth: Auth, detail: string): void {
  const { logger } = auth;
  (logger.error ?? logger.warn).call(logger, `@org/auth-server back-channel logout ${detail}`);
}

const NEEDS_JWT_MODE =
  "Back-channel logout checks logout tokens with the identity provider's issuer and signing keys, which only local JWT validation knows: set AUTH_PROVIDER=oidc (or jwt, keycloak, auth0, okta, azure, authentik) with AUTH_ISSUER, or pass createAuth({ validator: createJwtValidator({ issuer, audience }) }).";

const EXACT_ISSUERS_ONLY =
  "Back-channel logout checks a logout token with the keys of the issuer it names, which must be configured by its exact iss (AUTH_ISSUERS or the issuers option): issuers known only to the issuerResolver or by an Azure {tenantid} template cannot send logout tokens.";

/**
 * The composition of the back-channel logout endpoint, built on first use: logout tokens are
 * checked with the JWT validator's issuer and keys, replays are caught fleet-wide with Redis
 * (else in this process), and the named session is revoked with `auth.revoke`. Building throws
 * a ConfigurationError saying what to set when any of these is missing.
 *
 * @example
 * const settings = readSettings(process.env, {});
 * const auth = new Auth(validator, settings.auth, logger, {
 *   platform: nodePlatform,
 *   backchannelLogout: createBackchannelLogout(validator, settings.backchannelLogout),
 * });
 */
export function createBackchannelLogout(
  validator: TokenValidator,
  { audience }: BackchannelLogoutSettings,
): (auth: Auth) => BackchannelLogoutHandler {
  return (auth) => {
    const keysOf = logoutKeys(validator);
    const audiences = typeof audience === "string" ? [audience] : [...(audience ?? [])];
    if (audiences.length === 0 || audiences.some((entry) => entry === "")) {
      throw new ConfigurationError(
        "Back-channel logout needs the audience of logout tokens (this app's client id at the identity provider): set AUTH_BACKCHANNEL_LOGOUT_AUDIENCE, or createAuth({ backchannelLogout: { audience } }).",
      );
    }
    const sightId = (iss: string, jti: string) => `logout\n${iss}\n${jti}`;
    const deps: BackchannelLogoutDeps = {
      verify: (token) => {
        const keys = keysOf(token);
        return verifyLogoutToken(token, {
          issuer: keys.issuer,
          audience: audiences,
          // jose's JWTVerifyGetKey: providerKeys() restates its type for the published types.
          getKey: keys.getKey as JWTVerifyGetKey,
        });
      },
      firstSight: (iss, jti, exp) =>
        auth.firstSight(sightId(iss, jti), replayWindowMs(exp, Date.now())),
      revoke: (target) =>
        auth.revoke(target).catch((error: unknown) => {
          // The provider only sees a 503; operators see why.
          report(auth, `could not revoke the session (the provider retries): ${String(error)}`);
          throw error;
        }),
      forget: (iss, jti) => auth.forgetSight(sightId(iss, jti)),
    };
    return (contentType, body) => handleBackchannelLogout(contentType, body, deps);
  };
}

type ProviderKeys = NonNullable<ReturnType<JwtValidator["providerKeys"]>>;

/**
 * The issuer and keys that check a logout token: the one issuer's, or with many issuers those of
 * the configured issuer the token names (read unverified only to pick the keys: the signature
 * and `iss` are checked with them). Throws a ConfigurationError when no issuer can be used.
 */
function logoutKeys(validator: TokenValidator): (token: string) => ProviderKeys {
  if (validator instanceof MultiIssuerValidator) {
    if (!validator.hasExactIssuers) throw new ConfigurationError(EXACT_ISSUERS_ONLY);
    return (token) => {
      const keys = validator.providerKeysOf(unverifiedIssuer(token));
      if (keys === undefined) {
        throw new InvalidRequestError(
          "The logout_token is not valid: its issuer (iss) is not one this API trusts for back-channel logout.",
        );
      }
      return keys;
    };
  }
  if (!(validator instanceof JwtValidator)) throw new ConfigurationError(NEEDS_JWT_MODE);
  const keys = validator.providerKeys();
  if (keys === undefined) {
    throw new ConfigurationError(
      `Back-channel logout needs the provider's issuer and its signing keys (JWKS): set AUTH_ISSUER and leave AUTH_VERIFY_ISSUER on, and AUTH_JWKS_URL when the provider has no discovery document. ${NEEDS_JWT_MODE}`,
    );
  }
  return () => keys;
}
