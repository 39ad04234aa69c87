// `#platform` on Node (the package's "imports" field, condition "node").
import type { TransportOptions } from "../kernel/HttpTransport.js";
import { createNodeHttpTransport } from "./nodeHttpTransport.js";
import { nodePlatform } from "./nodePlatform.js";
import { createNodeTransport } from "./nodeTransport.js";

export const platform = nodePlatform;
export const runtime = "Node.js";
export const createTransport = (options: TransportOptions) => createNodeTransport(options);
/** For rare calls (the provider's metadata and keys): `node:http`, which a server has loaded. */
export const createPlainTransport = (options: TransportOptions) => createNodeHttpTransport(options);
