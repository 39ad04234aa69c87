import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import {
  authenticateUpgrade,
  type UpgradeOptions,
} from "../src/bindings/websocket/authenticateUpgrade.js";
import { rejectUpgrade } from "../src/bindings/websocket/rejectUpgrade.js";
import { selectWsProtocol } from "../src/index.js";

/** What a client saw: 101 with the answered subprotocol and the user the server named, or a refusal. */
export interface UpgradeOutcome {
  status: number;
  protocol?: string;
  userId?: string;
  body?: string;
}

/** A WebSocket server under test and a client that reports what one handshake gave. */
export interface UpgradeServer {
  url: string;
  connect(
    path: string,
    protocols?: string[],
    headers?: Record<string, string>,
  ): Promise<UpgradeOutcome>;
  close(): void;
}

/**
 * A node:http server on a free loopback port that authenticates every upgrade with the options
 * `optionsFor(request)` picks (instance, permission), then greets with `{ userId }`.
 */
export async function startUpgradeServer(
  optionsFor: (request: IncomingMessage) => UpgradeOptions,
): Promise<UpgradeServer> {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: selectWsProtocol });
  const server = createServer();
  server.on("upgrade", async (request: IncomingMessage, socket, head) => {
    try {
      const { user } = await authenticateUpgrade(request, optionsFor(request));
      wss.handleUpgrade(request, socket, head, (ws) =>
        ws.send(JSON.stringify({ userId: user.id })),
      );
    } catch (error) {
      rejectUpgrade(socket, error);
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    connect: (path, protocols = [], headers = {}) =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(url + path, protocols, { headers });
        ws.on("message", (data) => {
          resolve({ status: 101, protocol: ws.protocol, userId: JSON.parse(String(data)).userId });
          ws.close();
        });
        ws.on("unexpected-response", (_req, res) => {
          let body = "";
          res.on("data", (chunk) => {
            body += chunk;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        ws.on("error", reject);
      }),
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}
