/**
 * The mock user's profile, as served by `get-me` (camelCase here, snake_case on the wire).
 *
 * @example
 * const user: Partial<MockUser> = {
 *   userId: "user-42",
 *   email: "ada@example.com",
 *   roleNames: ["admin"],
 *   permissions: ["read", "audit"],
 * };
 * const mock = createMockAuth(user);
 */
export interface MockUser {
  userId: string;
  userName: string;
  email: string;
  firstName: string;
  lastName: string;
  accountType: string;
  workspaceId: string;
  workspaceName: string;
  roleNames: string[];
  permissions: string[];
}
