// The one User shape of the SDKs is defined once, in the private @org/auth-user package that
// the build bundles (types included); the server's kernel names it from here.
export type { User, UserWorkspace, WorkspacePermission, WorkspaceRole } from "@org/auth-user";
