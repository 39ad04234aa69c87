import { useAuthState } from "./useAuthClient";

/**
 * The current access token, or null; re-renders when it is refreshed (before it expires).
 *
 * @example
 * const token = useAccessToken();
 * fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
 */
export function useAccessToken(): string | null {
  return useAuthState().token;
}
