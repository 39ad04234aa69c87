import { type AuthClient, type AuthState, LOADING } from "../core/AuthClient";
import { badArgument } from "../core/internal";
import { createContext, useContext, useSyncExternalStore } from "./peers";

export const AuthContext = createContext<AuthClient | null>(null);

/** Prefix of every react-query key this package owns. */
export const QUERY_KEY = "oxa-auth";

const serverSnapshot = () => LOADING;

/**
 * The provider's {@link AuthClient}, e.g. to read a fresh token inside a reconnect loop.
 *
 * @example
 * const { getAccessToken } = useAuthClient();
 * const token = await getAccessToken();
 */
export function useAuthClient(): AuthClient {
  const client = useContext(AuthContext);
  if (!client) {
    throw badArgument("No AuthClient here: wrap your app in <AuthProvider>.");
  }
  return client;
}

/** The client's state; on the server (and while hydrating) always `loading`. */
export function useAuthState(): AuthState {
  const client = useAuthClient();
  return useSyncExternalStore(client.subscribe, client.getSnapshot, serverSnapshot);
}
