import type { AuthAdapter } from "../validators/adapters/AuthAdapter.js";
import { PROVIDERS } from "./providers/providers.js";

/** Names the SDK itself answers to under `AUTH_PROVIDER` (the presets' among them); adapters
 * cannot take them. */
export const BUILT_IN_PROVIDERS: readonly string[] = Object.freeze(
  PROVIDERS.map((provider) => provider.name),
);

const ADAPTER_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
const adapters = new Map<string, AuthAdapter>();

/**
 * Registers a custom adapter under `name`; call it before creating the auth instance so that
 * `AUTH_PROVIDER=name` (or auto-detection, when the adapter is the only one enabled) uses it.
 *
 * @example
 * registerAdapter("my-provider", { validateToken: async (token) => myValidate(token), isEnabled: () => true });
 */
export function registerAdapter(name: string, adapter: AuthAdapter): void {
  if (!ADAPTER_NAME.test(name)) {
    throw new TypeError(
      `registerAdapter: "${name}" is not a valid adapter name (lower-case letters, digits, "-" and "_", starting with a letter).`,
    );
  }
  if (BUILT_IN_PROVIDERS.includes(name)) {
    throw new TypeError(`registerAdapter: "${name}" is a built-in provider; pick another name.`);
  }
  if (typeof adapter?.validateToken !== "function") {
    throw new TypeError(
      `registerAdapter: the "${name}" adapter needs a validateToken(token) method.`,
    );
  }
  const existing = adapters.get(name);
  if (existing !== undefined && existing !== adapter) {
    throw new TypeError(`registerAdapter: an adapter named "${name}" is already registered.`);
  }
  adapters.set(name, adapter);
}

/** The adapter registered under `name`, if any. */
export function getAdapter(name: string): AuthAdapter | undefined {
  return adapters.get(name);
}

/** Every registered adapter's name, in registration order. */
export function registeredAdapterNames(): string[] {
  return [...adapters.keys()];
}

/** Test hook: forgets every registered adapter. */
export function clearAdapters(): void {
  adapters.clear();
}
