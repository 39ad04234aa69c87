import type { User } from "@org/auth-react";

/**
 * A human-readable name for the signed-in user.
 * @example
 * displayName({ firstName: "Mock", lastName: "User" } as User); // "Mock User"
 */
export function displayName(user: User | null | undefined): string {
  if (!user) return "";
  const full = [user.firstName, user.lastName].filter(Boolean).join(" ");
  return full || user.userName || user.email || "(unnamed user)";
}
