/** The user fields the demo shows (camelCase, as the SDK maps them). */
interface NamedUser {
  firstName?: string | null;
  lastName?: string | null;
  userName?: string | null;
  email?: string | null;
}

/**
 * A human-readable name for the signed-in user.
 * @example
 * displayName({ firstName: "Mock", lastName: "User" }); // "Mock User"
 */
export function displayName(user: NamedUser | null | undefined): string {
  if (!user) return "";
  const full = [user.firstName, user.lastName].filter(Boolean).join(" ");
  return full || user.userName || user.email || "(unnamed user)";
}
