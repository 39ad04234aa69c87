import type { StepUpRequiredError } from "./AuthClientError";

/**
 * Options of `AuthClient` (and props of `AuthProvider`).
 *
 * @example
 * const options: AuthClientOptions = {
 *   authApiBaseUrl: "https://auth.example.com",
 *   apiOrigins: ["https://api.example.com"],
 *   popupTimeoutMs: 120_000,
 * };
 * const client = new AuthClient(options);
 */
export interface AuthClientOptions {
  /** Base URL of the auth API serving `/_oxa_auth/*`. Default: the page's own origin. */
  authApiBaseUrl?: string;
  /** Origins (or URLs) of your APIs that may receive the token; the auth API's origin always may. */
  apiOrigins?: readonly string[];
  /** How long the popup login may take (ms). Default 60 000. */
  popupTimeoutMs?: number;
  /** Refresh this long before the token expires (ms). Default 60 000. */
  refreshLeewayMs?: number;
  /** The JS-readable access cookie, read when the auth API is same-origin. */
  accessCookieName?: string;
  /**
   * Where the user lands after a sign-in (the default of `login({ returnTo })`): a URL or path of
   * the page's origin. Default: the current URL.
   */
  returnTo?: string;
  /**
   * What `fetch` does when an API asks for a stronger or more recent sign-in (RFC 9470): sign the
   * user in again at that level in a `popup` or by `redirect`, then retry the request once;
   * `false` (the default) rejects with a {@link StepUpRequiredError} for the app to handle.
   */
  stepUp?: "popup" | "redirect" | false;
  /**
   * DPoP (RFC 9449): tokens bound to a non-extractable key of this browser, each request to an
   * allowed origin carrying a fresh proof. Needs an auth API and APIs that accept DPoP.
   */
  dpop?: boolean;
}
