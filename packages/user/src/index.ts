export type { User, UserWorkspace, WireUser, WorkspacePermission, WorkspaceRole } from "./user.js";
export { userFromWire } from "./userFromWire.js";
