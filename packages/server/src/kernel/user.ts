// The one User shape of the SDKs is defined once, in the private @org/auth-user package that
// the build bundles (types included); the server names it, and builds every mode's user, from here.
export type {
  User,
  UserFields,
  UserWorkspace,
  WorkspacePermission,
  WorkspaceRole,
} from "@org/auth-user";
export { makeUser, USER_KEYS, withClaims } from "@org/auth-user";
