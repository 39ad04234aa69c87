// `#platform` on Node (the package's "imports" field, condition "node").
import type { TransportOptions } from "../validators/proxy/HttpTransport.js";
import { createUndiciTransport } from "../validators/proxy/undiciTransport.js";
import { nodePlatform } from "./nodePlatform.js";

export const platform = nodePlatform;
export const runtime = "Node.js";
export const createTransport = (options: TransportOptions) => createUndiciTransport(options);
