import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createClock, type HarnessFactory } from "../../test/harness.js";
import { scenarios } from "../../test/scenarios.js";
import { createMockAuthHandlers } from "./createMockAuthHandlers.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

let hostCounter = 1;

const throughMsw: HarnessFactory = async (options) => {
  const clock = createClock();
  // msw keeps one global cookie jar; a fresh loopback host per scenario keeps them apart.
  const baseUrl = `http://127.0.0.${++hostCounter}:8765`;
  const { handlers, mock } = createMockAuthHandlers({ ...options, baseUrl, now: clock.now });
  server.resetHandlers(...handlers);
  return {
    harness: {
      baseUrl,
      mock,
      clock,
      fetch: (path, init) => fetch(baseUrl + path, { redirect: "manual", ...init }),
    },
    dispose: async () => {},
  };
};

describe("createMockAuthHandlers through msw", () => {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      const { harness } = await throughMsw(scenario.options ?? {});
      await scenario.run(harness);
    });
  }
});
