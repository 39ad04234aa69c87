import { type User, userFromWire } from "@org/auth-user";
import type { UseQueryResult } from "@tanstack/react-query";
import { useQuery } from "./peers";
import { QUERY_KEY, useAuthClient, useAuthState } from "./useAuthClient";

/**
 * The signed-in user from `/_oxa_auth/get-me`, as a camelCase {@link User} (the server SDK's
 * shape; unknown fields in `extra`). React-query keyed by session, never by token. `data` is null
 * when the auth API no longer accepts the token. The raw wire object: `useAuthClient().getUser()`.
 *
 * @example
 * const { data: user } = useUser();
 * return <span>{user?.firstName}</span>;
 */
export function useUser(): UseQueryResult<User | null> {
  const client = useAuthClient();
  const { status, session } = useAuthState();
  return useQuery({
    queryKey: [QUERY_KEY, session, "user"],
    queryFn: client.getUser,
    select: (user) => user && userFromWire(user),
    enabled: status === "authenticated",
  });
}
