import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the front does with the next introspection requests. */
export type FrontMode =
  | { kind: "forward" }
  | { kind: "hold" }
  | { kind: "answer"; status: number; type: string; body: string };

/** The front answers every introspection with `claims` (200, JSON), whatever the token. */
export function answering(claims: Record<string, unknown>): FrontMode {
  return { kind: "answer", status: 200, type: "application/json", body: JSON.stringify(claims) };
}

/**
 * A node:http server in front of an introspection endpoint: forwards (counting every POST), or
 * holds requests until released (slow upstream, single flight), or answers a canned body
 * (malformed answers). `close()` leaves the port refusing connections (an outage).
 */
export interface IntrospectionFront {
  /** The introspection URL to configure. */
  readonly url: string;
  /** POSTs received so far. */
  readonly calls: number;
  /** The form bodies received, in order (to check client authentication). */
  readonly bodies: readonly string[];
  /** The Authorization headers received, in order. */
  readonly authorizations: readonly (string | undefined)[];
  mode: FrontMode;
  /** Answers every held request (forwarding it). */
  release(): void;
  /** Resolves once `calls >= n`. */
  waitForCalls(n: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a front for `target` (e.g. the mock's `/oidc/introspect`) on 127.0.0.1.
 *
 * @example
 * const front = await startIntrospectionFront(`${mock.url}/oidc/introspect`);
 */
export async function startIntrospectionFront(target: string): Promise<IntrospectionFront> {
  const held: Array<() => void> = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const bodies: string[] = [];
  const authorizations: (string | undefined)[] = [];
  let calls = 0;
  const forward = async (req: IncomingMessage, body: string, res: ServerResponse) => {
    const headers: Record<string, string> = { "content-type": String(req.headers["content-type"]) };
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    const answer = await fetch(target, { method: "POST", headers, body });
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "" });
    res.end(await answer.text());
  };
  const server: Server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    calls++;
    bodies.push(body);
    authorizations.push(req.headers.authorization);
    for (const waiter of waiters.filter((w) => calls >= w.n)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const mode = front.mode;
    if (mode.kind === "answer") {
      res.writeHead(mode.status, { "content-type": mode.type });
      res.end(mode.body);
    } else if (mode.kind === "hold") {
      held.push(() => void forward(req, body, res).catch(() => res.destroy()));
    } else {
      await forward(req, body, res).catch(() => res.destroy());
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const front: IntrospectionFront = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/introspect`,
    get calls() {
      return calls;
    },
    bodies,
    authorizations,
    mode: { kind: "forward" },
    release() {
      for (const answer of held.splice(0)) answer();
    },
    waitForCalls(n) {
      if (calls >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close").catch(() => undefined);
    },
  };
  return front;
}
