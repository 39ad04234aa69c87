import { PRESETS } from "../presets/presets.js";
import { introspectionProvider } from "./introspectionProvider.js";
import { noneProvider } from "./noneProvider.js";
import type { Provider } from "./Provider.js";
import { presetProvider } from "./presetProvider.js";
import { proxyProvider } from "./proxyProvider.js";

/**
 * Every built-in provider, in detection order: one line each. Registered custom adapters come
 * after them (see `registerAdapter`).
 */
export const PROVIDERS: readonly Provider[] = Object.freeze([
  proxyProvider,
  introspectionProvider,
  ...[...PRESETS.values()].map(presetProvider),
  noneProvider,
] as Provider[]);

/** The built-in provider named `name`, or undefined. */
export function builtInProvider(name: string): Provider | undefined {
  return PROVIDERS.find((provider) => provider.name === name);
}
