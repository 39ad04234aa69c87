import type { ReactNode } from "react";
import { useAuthState } from "./useAuthClient";
import { usePermission } from "./usePermission";

/**
 * Props of {@link PermissionGate}.
 *
 * @example
 * function AdminOnly(props: Omit<PermissionGateProps, "permission">) {
 *   return <PermissionGate permission="admin" {...props} />;
 * }
 */
export interface PermissionGateProps {
  /** The app permission to test (`audit`, `read:messages`: an OAuth scope-token). */
  permission: string;
  children?: ReactNode;
  /** Shown when denied, signed out or on error. Default: nothing. */
  fallback?: ReactNode;
  /** Shown while the answer is pending. Default: `fallback`. */
  loading?: ReactNode;
}

/**
 * Renders `children` only when the signed-in user has `permission`.
 *
 * @example
 * <PermissionGate permission="audit" fallback={<p>No access</p>}><AuditLog /></PermissionGate>
 */
export function PermissionGate({
  permission,
  children,
  fallback = null,
  loading = fallback,
}: PermissionGateProps) {
  const { status } = useAuthState();
  const { data, isPending } = usePermission(permission);
  if (data === true) return children;
  return status === "loading" || (status === "authenticated" && isPending) ? loading : fallback;
}
