import type { OpenTelemetryApi } from "./OpenTelemetryApi.js";

// Held in a variable so that bundlers leave the import to run time: an app without
// @opentelemetry/api still bundles, and without it nothing is loaded.
const API_MODULE = "@opentelemetry/api";

/**
 * `@opentelemetry/api` when the app has it installed, else undefined (never rejects). Runtimes
 * that cannot import by name at run time (bundled Workers) get undefined: pass the module as
 * `createAuth({ telemetry: { api } })` there.
 *
 * @example
 * const api = await loadOpenTelemetryApi();
 */
export async function loadOpenTelemetryApi(): Promise<OpenTelemetryApi | undefined> {
  try {
    const module = (await import(/* @vite-ignore */ /* webpackIgnore: true */ API_MODULE)) as {
      default?: OpenTelemetryApi;
    } & Partial<OpenTelemetryApi>;
    const api = module.metrics === undefined ? module.default : (module as OpenTelemetryApi);
    return api?.metrics === undefined ? undefined : api;
  } catch {
    return undefined;
  }
}
