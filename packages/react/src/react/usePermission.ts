import type { UseQueryResult } from "@tanstack/react-query";
import { useQuery } from "./peers";
import { QUERY_KEY, useAuthClient, useAuthState } from "./useAuthClient";

/**
 * Whether the signed-in user has the app permission `name` (`/_oxa_auth/test-app-permission`).
 * `data` is true only on the API's 200.
 *
 * @example
 * const { data: canAudit } = usePermission("audit");
 */
export function usePermission(name: string): UseQueryResult<boolean> {
  const client = useAuthClient();
  const { status, session } = useAuthState();
  return useQuery({
    queryKey: [QUERY_KEY, session, "permission", name],
    queryFn: () => client.hasPermission(name),
    enabled: status === "authenticated",
  });
}
