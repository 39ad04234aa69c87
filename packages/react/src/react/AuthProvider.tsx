import { QueryClient, QueryClientContext, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useContext, useEffect, useState } from "react";
import { AuthClient } from "../core/AuthClient";
import type { AuthClientOptions } from "../core/AuthClientOptions";
import { AuthContext, QUERY_KEY } from "./useAuthClient";
import { useSessionChange } from "./useOnSignOut";

/**
 * Props of {@link AuthProvider}: the {@link AuthClientOptions} plus the ones below.
 *
 * @example
 * const props: AuthProviderProps = {
 *   authApiBaseUrl: "http://127.0.0.1:8765",
 *   apiOrigins: ["http://127.0.0.1:8000"],
 *   onSignOut: () => navigate("/"),
 * };
 * root.render(<AuthProvider {...props}><App /></AuthProvider>);
 */
export interface AuthProviderProps extends AuthClientOptions {
  children?: ReactNode;
  /** The react-query client; default: the one from an outer `QueryClientProvider`, else a new one. */
  queryClient?: QueryClient;
  /** Use this client instead of creating one (the options props are then ignored). */
  client?: AuthClient;
  /** Called after a sign-in (popup, another tab, or a session restored on load). */
  onSignIn?: () => void;
  /**
   * Called after a sign-out (here, in another tab, or when the session expired). Components use
   * `useOnSignOut` to drop their own user-scoped data.
   */
  onSignOut?: () => void;
}

/**
 * Holds the session for the tree below: popup or redirect login (it finishes a redirect sign-in
 * on load), fresh tokens, cross-tab sync. Options are read once, on first render.
 *
 * @example
 * <AuthProvider authApiBaseUrl="http://127.0.0.1:8765" apiOrigins={["http://127.0.0.1:8000"]}>
 *   <App />
 * </AuthProvider>
 */
export function AuthProvider({
  children,
  queryClient,
  client,
  onSignIn,
  onSignOut,
  ...options
}: AuthProviderProps): ReactNode {
  const [auth] = useState(() => client ?? new AuthClient(options));
  const outer = useContext(QueryClientContext);
  const [own] = useState(() => (queryClient || outer ? null : new QueryClient()));
  const qc = (queryClient ?? outer ?? own)!;
  useEffect(() => auth.start(), [auth]);
  useSessionChange(auth, (next, prev) => {
    // Another session's data must never show: drop every auth query not of this session.
    qc.removeQueries({ queryKey: [QUERY_KEY], predicate: (q) => q.queryKey[1] !== next.session });
    if (next.token) onSignIn?.();
    else if (prev.token) onSignOut?.();
  });

  return (
    <QueryClientProvider client={qc}>
      <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>
    </QueryClientProvider>
  );
}
