import { version } from "react";
import { version as domVersion } from "react-dom";
import { expect, it } from "vitest";

// Only part of the React 18 run (vitest.react18.config.ts): proves the aliases took effect.
it("runs on React 18", () => {
  expect(version).toMatch(/^18\./);
  expect(domVersion).toMatch(/^18\./);
});
