import type { User } from "@org/auth-user";
import type { AuthStatus } from "../core/AuthClient";
import type { AuthClientError } from "../core/AuthClientError";
import type { LoginOptions } from "../core/loginOptions";
import { useAuthClient, useAuthState } from "./useAuthClient";
import { useUser } from "./useUser";

/**
 * What {@link useAuth} returns.
 *
 * @example
 * function SignInButton() {
 *   const { status, login }: UseAuthResult = useAuth();
 *   return <button disabled={status === "loading"} onClick={() => void login()}>Sign in</button>;
 * }
 */
export interface UseAuthResult {
  status: AuthStatus;
  /** The signed-in user once get-me answered, else null. */
  user: User | null;
  error: AuthClientError | null;
  /** Signs in (popup or redirect, see {@link LoginOptions}); call it straight from a click handler. */
  login: (options?: LoginOptions) => Promise<void>;
  /** Signs out here and in the other tabs, then revokes the refresh token. */
  logout: () => Promise<void>;
  /** Forces a refresh; resolves with the new token, or null when the session is over. */
  refresh: () => Promise<string | null>;
  /** A token valid for at least the leeway, or null; use it when (re)connecting sockets. */
  getAccessToken: () => Promise<string | null>;
}

/**
 * The session: status, user, and the login/logout actions.
 *
 * @example
 * const { status, user, login, logout } = useAuth();
 * return status === "authenticated"
 *   ? <button onClick={logout}>Sign out {user?.email}</button>
 *   : <button onClick={login}>Sign in</button>;
 */
export function useAuth(): UseAuthResult {
  const client = useAuthClient();
  const { status, error } = useAuthState();
  const { data } = useUser();
  return {
    status,
    user: data ?? null,
    error,
    login: client.login,
    logout: client.logout,
    refresh: client.refresh,
    getAccessToken: client.getAccessToken,
  };
}
