// Module hooks (see recordLoads.mjs): record each loaded URL, synchronously, before it runs.
import { appendFileSync } from "node:fs";

let file;
let missing = [];

export function initialize(data) {
  file = data.file;
  missing = data.missing ?? [];
}

/** Packages named in MODULE_GRAPH_MISSING resolve as an app without them installed would. */
export async function resolve(specifier, context, nextResolve) {
  if (missing.includes(specifier)) {
    const error = new Error(`Cannot find package '${specifier}' (not installed in this test)`);
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  appendFileSync(file, `${url}\n`);
  return nextLoad(url, context);
}
