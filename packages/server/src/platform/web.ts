// `#platform` on every other runtime (conditions bun, deno, workerd, edge-light, worker, browser,
// default): Web standards only, no `node:` import and no undici.

import type { TransportOptions } from "../kernel/HttpTransport.js";
import { createFetchTransport } from "./fetchTransport.js";
import { webPlatform } from "./webPlatform.js";

const g = globalThis as { Bun?: unknown; Deno?: unknown; navigator?: { userAgent?: string } };
export const platform = webPlatform;
export const runtime = g.Bun ? "Bun" : g.Deno ? "Deno" : (g.navigator?.userAgent ?? "this runtime");
export const createTransport = (options: TransportOptions) =>
  createFetchTransport(options, runtime);
/** For rare calls (the provider's metadata and keys): the runtime's `fetch`. */
export const createPlainTransport = createTransport;
