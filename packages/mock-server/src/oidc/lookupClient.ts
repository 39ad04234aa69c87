import { findClient, isLoopbackHttp, type OidcClient } from "../config/OidcClient.js";
import { safeUrl } from "../config/parse.js";
import type { Ctx } from "../core/context.js";
import { keep } from "../core/Store.js";
import { parseClientMetadata } from "./clientMetadata.js";

/** A metadata document is small (the drafts suggest 5 KiB); more is refused unread. */
const MAX_DOCUMENT_BYTES = 5 * 1024;
const FETCH_TIMEOUT_MS = 5_000;
/** How long a fetched document is trusted before it is fetched again. */
const DOCUMENT_TTL_MS = 5 * 60_000;

/** A client, or why the client id names none (for the `invalid_client` description). */
export type ClientLookup = { client: OidcClient } | { problem: string };

/**
 * The client `clientId` names: a configured or zero-config client, one registered at run time
 * (RFC 7591), or, when the id is an https URL (plain http on loopback, for local development),
 * the Client ID Metadata Document it points to, fetched with bounds and cached for 5 minutes.
 */
export async function lookupClient(ctx: Ctx, clientId: string): Promise<ClientLookup> {
  const known = findClient(ctx.state.clients, clientId) ?? ctx.oidc.clients.get(clientId)?.client;
  if (known !== undefined) return { client: known };
  if (!/^https?:\/\//i.test(clientId)) {
    return {
      problem:
        "unknown client_id: use mock-client, mock-public-client, a configured or registered client, or a metadata document URL",
    };
  }
  const url = documentUrl(clientId);
  if (typeof url === "string") return { problem: url };
  const problem = await fetchDocument(ctx, url, clientId);
  if (problem !== undefined) return { problem };
  return { client: (ctx.oidc.clients.get(clientId) as { client: OidcClient }).client };
}

/** The document URL, or why this client id cannot be one. */
function documentUrl(clientId: string): URL | string {
  const url = safeUrl(clientId);
  if (url === undefined || url.href !== clientId)
    return "a client_id URL must be in normal form (as a URL parser writes it back)";
  if (url.protocol !== "https:" && !isLoopbackHttp(url))
    return "a client_id URL must be https (plain http on 127.0.0.1 / localhost / [::1] only)";
  if (url.username !== "" || url.password !== "" || url.hash !== "" || url.pathname === "/")
    return "a client_id URL needs a path, and no credentials or fragment";
  return url;
}

/** Fetches, checks and caches the document; undefined when done, else what is wrong. */
async function fetchDocument(ctx: Ctx, url: URL, clientId: string): Promise<string | undefined> {
  let text: string;
  try {
    const response = await fetch(url, {
      headers: { accept: "application/json" },
      redirect: "manual",
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return `the client metadata document answered HTTP ${response.status} (redirects are not followed)`;
    }
    const body = await readBounded(response);
    if (body === undefined)
      return `the client metadata document is larger than ${MAX_DOCUMENT_BYTES} bytes`;
    text = body;
  } catch {
    return "the client metadata document could not be fetched (unreachable, or slower than 5 s)";
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return "the client metadata document is not JSON";
  }
  if ((document as { client_id?: unknown } | null)?.client_id !== clientId)
    return "the client metadata document's client_id must equal its URL";
  const parsed = parseClientMetadata(document, clientId);
  if ("error" in parsed) return `the client metadata document is invalid: ${parsed.description}`;
  const now = ctx.now();
  keep(
    ctx.oidc.clients,
    clientId,
    { client: parsed.client, expiresAt: now + DOCUMENT_TTL_MS },
    now,
  );
  return undefined;
}

/** The body as text, or undefined past the bound (read no further). */
async function readBounded(response: Response): Promise<string | undefined> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > MAX_DOCUMENT_BYTES) {
    await response.body?.cancel();
    return undefined;
  }
  const reader = response.body?.getReader();
  if (reader === undefined) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_DOCUMENT_BYTES) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
