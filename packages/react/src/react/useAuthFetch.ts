import { useAuthClient } from "./useAuthClient";

/**
 * A stable `fetch` adding the Bearer token for allowed API origins, with one refresh-and-retry
 * on 401.
 *
 * @example
 * const authFetch = useAuthFetch();
 * const res = await authFetch("https://api.example.com/v1/me");
 */
export function useAuthFetch(): typeof fetch {
  return useAuthClient().fetch;
}
