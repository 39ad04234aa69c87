import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { expect, it } from "vitest";
import { LOGOUT_PATH } from "../../../test/backchannelLogoutSuite.js";
import { type AppUnderTest, describeBinding } from "../../../test/bindingSuite.js";
import { listen } from "../../../test/listen.js";
import {
  expectMetadataNeedsResource,
  METADATA_PATH,
} from "../../../test/protectedResourceSuite.js";
import type { Auth } from "../../kernel/Auth.js";
import { ConfigurationError, InvalidTokenError } from "../../kernel/errors.js";
import {
  type AnyRequest,
  authenticate,
  backchannelLogout,
  getCurrentUser,
  getCurrentUserOptional,
  protectedResourceMetadata,
  requirePermission,
  sendError,
  toResponse,
} from "./index.js";

type Route = (req: AnyRequest, auth: Auth) => Promise<unknown>;

function routes(auth: Auth): Record<string, Route> {
  const options = { auth };
  const audit = requirePermission("audit", options);
  return {
    "/public": async (req) => {
      const { user, error } = await authenticate(req, options);
      return { userId: user?.id ?? null, authError: error?.code ?? null };
    },
    "/me": async (req) => {
      await authenticate(req, options); // middleware + guard on one request: one upstream call
      return { userId: (await getCurrentUser(req, options)).id };
    },
    "/maybe": async (req) => ({ userId: (await getCurrentUserOptional(req, options))?.id ?? null }),
    "/audit": async (req) => ({ userId: (await audit(req)).id }),
  };
}

async function startNodeHttp(
  auth: Auth,
  options: { logout?: boolean; metadata?: boolean } = {},
): Promise<AppUnderTest> {
  const table = routes(auth);
  const logout = options.logout ? backchannelLogout({ auth }) : undefined;
  const metadata = options.metadata ? protectedResourceMetadata({ auth }) : undefined;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (logout !== undefined && req.url === LOGOUT_PATH) return void logout(req, res);
    if (metadata !== undefined && req.url === METADATA_PATH) return void metadata(req, res);
    const route = table[req.url ?? ""];
    if (route === undefined) return void res.writeHead(404).end();
    route(req, auth).then(
      (body) =>
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body)),
      (error) => sendError(res, error),
    );
  });
  return listen(server);
}

/** Web `Request` handlers (as in Next.js route handlers), served through a tiny node adapter. */
async function startWebRequest(
  auth: Auth,
  options: { logout?: boolean; metadata?: boolean } = {},
): Promise<AppUnderTest> {
  const table = routes(auth);
  const logout = options.logout ? backchannelLogout({ auth }) : undefined;
  const metadata = options.metadata ? protectedResourceMetadata({ auth }) : undefined;
  const handle = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    // As Next.js calls a route handler: the request and a context object.
    if (logout !== undefined && path === LOGOUT_PATH) return logout(request, { params: {} });
    if (metadata !== undefined && path === METADATA_PATH) return metadata(request, { params: {} });
    const route = table[path];
    if (route === undefined) return new Response(null, { status: 404 });
    try {
      return Response.json(await route(request, auth));
    } catch (error) {
      return toResponse(error);
    }
  };
  const server = createServer(async (req, res) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length === 0 ? undefined : Buffer.concat(chunks);
    const response = await handle(
      new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body }),
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  return listen(server);
}

describeBinding("node:http", startNodeHttp);
describeBinding("Web Request", startWebRequest);

it("toResponse maps an AuthError and rethrows anything else", async () => {
  const response = toResponse(new InvalidTokenError());
  expect(response.status).toBe(401);
  expect(response.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
  expect(await response.json()).toMatchObject({ error: "invalid_token" });
  const bug = new TypeError("bug");
  expect(() => toResponse(bug)).toThrow(bug);
});

it("requirePermission throws at declaration for an invalid name", () => {
  // @ts-expect-error a space: a literal invalid name does not compile either
  expect(() => requirePermission("a b")).toThrow(ConfigurationError);
  expect(() => requirePermission("a/b")).not.toThrow(); // encoded as one segment in proxy mode
});

it("protectedResourceMetadata throws at declaration without a resource", () => {
  expectMetadataNeedsResource((auth) => protectedResourceMetadata({ auth }));
});
