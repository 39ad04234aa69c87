import { type UseQueryResult, useQuery } from "@tanstack/react-query";
import type { AuthUser } from "../core/AuthClient";
import { QUERY_KEY, useAuthClient, useAuthState } from "./useAuthClient";

/**
 * The signed-in user from `/_oxa_auth/get-me` (react-query; keyed by session, never by token).
 * `data` is null when the auth API no longer accepts the token.
 *
 * @example
 * const { data: user } = useUser();
 * return <span>{user?.first_name}</span>;
 */
export function useUser(): UseQueryResult<AuthUser | null> {
  const client = useAuthClient();
  const { status, session } = useAuthState();
  return useQuery({
    queryKey: [QUERY_KEY, session, "user"],
    queryFn: client.getUser,
    enabled: status === "authenticated",
  });
}
