import type { Auth } from "../kernel/Auth.js";
import { createAuth } from "./createAuth.js";

let defaultAuth: Auth | undefined;

/**
 * The process-wide Auth the zero-config bindings share, created from env on first use.
 *
 * @example
 * const user = await getDefaultAuth().getCurrentUser(req);
 */
export function getDefaultAuth(): Auth {
  defaultAuth ??= createAuth();
  return defaultAuth;
}

/** Picks the explicit instance or the default one (at route declaration, so errors surface early). */
export function resolveAuth(options?: { auth?: Auth }): Auth {
  return options?.auth ?? getDefaultAuth();
}

/**
 * Closes the default instance's HTTP resources (like the Python SDK's `aclose_client`); the next
 * zero-config use creates a fresh one.
 *
 * @example
 * process.on("SIGTERM", async () => { await acloseClient(); server.close(); });
 */
export async function acloseClient(): Promise<void> {
  const auth = defaultAuth;
  defaultAuth = undefined;
  await auth?.close();
}
