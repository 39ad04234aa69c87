import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { AppUnderTest } from "./bindingSuite.js";

/** Binds a node:http server to 127.0.0.1 on a free port. */
export async function listen(server: Server): Promise<AppUnderTest> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
