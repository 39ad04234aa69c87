// `#platform` on Node (the package's "imports" field, condition "node").
import type { TransportOptions } from "../kernel/HttpTransport.js";
import { nodePlatform } from "./nodePlatform.js";
import { createNodeTransport } from "./nodeTransport.js";

export const platform = nodePlatform;
export const runtime = "Node.js";
export const createTransport = (options: TransportOptions) => createNodeTransport(options);
