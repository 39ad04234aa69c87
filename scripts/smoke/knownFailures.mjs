// Cells of the runtime support table that are known to fail, with what they answer, per
// `${target}/${mode}` (e.g. `"bun-hono/proxy": { "invalid token": 502 }`). The smoke test fails
// when one of them starts to pass (remove it here) or fails differently, so this file is always
// the measured support table's list of gaps. Empty: every cell passes.
export const KNOWN_FAILURES = {};
