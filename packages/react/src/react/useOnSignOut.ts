import type { AuthClient, AuthState } from "../core/AuthClient";
import { useEffect, useRef } from "./peers";
import { useAuthClient } from "./useAuthClient";

/** Calls the latest `fn(next, previous)` whenever `client`'s session changes (sign-in or -out). */
export function useSessionChange(
  client: AuthClient,
  fn: (next: AuthState, previous: AuthState) => void,
): void {
  const latest = useRef(fn);
  useEffect(() => {
    latest.current = fn;
  });
  useEffect(() => {
    let previous = client.getSnapshot();
    return client.subscribe(() => {
      const next = client.getSnapshot();
      if (next.session !== previous.session) latest.current(next, previous);
      previous = next;
    });
  }, [client]);
}

/**
 * Calls `callback` when the signed-in session ends: a sign-out here or in another tab, a refused
 * refresh, or another user signing in. Drop the app's own user-scoped data there (state, caches,
 * sockets, react-query keys) so that nothing of the previous user stays on screen.
 *
 * @example
 * const queryClient = useQueryClient();
 * const [messages, setMessages] = useState<string[]>([]);
 * useOnSignOut(() => {
 *   setMessages([]);
 *   queryClient.removeQueries({ queryKey: ["orders"] });
 * });
 */
export function useOnSignOut(callback: () => void): void {
  useSessionChange(useAuthClient(), (_, previous) => previous.token && callback());
}
