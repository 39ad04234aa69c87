import type { AuthUser } from "@org/auth-react";

/**
 * A human-readable name for the signed-in user (get-me's snake_case fields).
 * @example
 * displayName({ first_name: "Mock", last_name: "User" }); // "Mock User"
 */
export function displayName(user: AuthUser | null | undefined): string {
  if (!user) return "";
  const full = [user.first_name, user.last_name].filter(Boolean).join(" ");
  return full || user.user_name || user.email || "(unnamed user)";
}
