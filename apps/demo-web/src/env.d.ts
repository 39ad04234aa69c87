/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Base URL of the auth API (the mock in development). */
  readonly VITE_AUTH_API_URL?: string;
  /** Base URL of the demo API. */
  readonly VITE_API_URL?: string;
  /** `true`: DPoP-bound tokens (the demo API needs AUTH_DPOP allowed or required). */
  readonly VITE_AUTH_DPOP?: string;
  /** Seconds before expiry at which the SDK refreshes the access token. */
  readonly VITE_AUTH_REFRESH_LEEWAY_SECONDS?: string;
  /** The demo API's OXAIGEN_AUTH_CACHE_TTL_SECONDS, only to tell the user (set by `pnpm demo`). */
  readonly VITE_API_CACHE_TTL_SECONDS?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
