import type { ReactNode } from "react";
import { useAuthState } from "./useAuthClient";

/**
 * Props of {@link RequireAuth}.
 *
 * @example
 * function Protected({ children }: Pick<RequireAuthProps, "children">) {
 *   return <RequireAuth fallback={<SignInButton />} loading={<Spinner />}>{children}</RequireAuth>;
 * }
 */
export interface RequireAuthProps {
  children?: ReactNode;
  /** Shown when signed out (e.g. a sign-in button). Default: nothing. */
  fallback?: ReactNode;
  /** Shown while the session is being restored. Default: `fallback`. */
  loading?: ReactNode;
}

/**
 * Renders `children` only when signed in.
 *
 * @example
 * <RequireAuth fallback={<SignInButton />} loading={<Spinner />}><Dashboard /></RequireAuth>
 */
export function RequireAuth({ children, fallback = null, loading = fallback }: RequireAuthProps) {
  const { status } = useAuthState();
  return status === "authenticated" ? children : status === "loading" ? loading : fallback;
}
