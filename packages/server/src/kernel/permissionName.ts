import { ConfigurationError } from "./errors.js";

const PERMISSION_NAME = /^[A-Za-z0-9_-]+$/;

/** Throws when a route declares a permission outside `[A-Za-z0-9_-]+` (checked once, not per request). */
export function assertPermissionName(name: unknown): asserts name is string {
  if (typeof name !== "string" || name.length > 128 || !PERMISSION_NAME.test(name)) {
    throw new ConfigurationError(
      `Invalid permission name ${typeof name === "string" ? JSON.stringify(name.slice(0, 64)) : typeof name}: use 1-128 characters from [A-Za-z0-9_-].`,
    );
  }
}
