import { isPublicClient, type OidcClient, redirectAllowed } from "../config/OidcClient.js";
import { allPersonas, findPersona, type Persona } from "../config/Persona.js";
import { escapeHtml } from "../core/callbackPage.js";
import { chooseAcr, UNMET_ACR } from "../core/chooseAcr.js";
import type { Ctx } from "../core/context.js";
import { randomToken, sha256 } from "../core/random.js";
import { html, type MockResponse, type RequestLike, redirect } from "../core/responses.js";
import { keep } from "../core/Store.js";
import { lookupClient } from "./lookupClient.js";
import { parseScope } from "./mintToken.js";
import { oauthError, parseParams, readForm } from "./oauthRequest.js";
import { OIDC_PATHS } from "./paths.js";
import { parseResource } from "./resourceIndicator.js";

const CODE_TTL_MS = 60_000;
const INTERACTION_TTL_MS = 10 * 60_000;
const PKCE_CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;
const PROMPTS = new Set(["none", "login", "consent", "select_account"]);
const MAX_AGE = /^\d{1,10}$/;
const ACR_VALUES = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}(?: [\x21\x23-\x5B\x5D-\x7E]{1,128}){0,15}$/;

/** A checked authorization request: where to answer, and what was asked. */
interface AuthorizeRequest {
  client: OidcClient;
  redirectUri: string;
  params: Record<string, string>;
  scope: string[];
  /** The resource (RFC 8707) its tokens are for, or null. */
  resource: string | null;
}

/** 302 back to the client with `params` + `state` + `iss` (RFC 9207) in the query. */
function back(ctx: Ctx, req: AuthorizeRequest, params: Record<string, string>): MockResponse {
  const url = new URL(req.redirectUri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  if (req.params.state !== undefined) url.searchParams.set("state", req.params.state);
  url.searchParams.set("iss", ctx.settings.baseUrl);
  return redirect(url.href);
}

function errorBack(ctx: Ctx, req: AuthorizeRequest, error: string, description: string) {
  return back(ctx, req, { error, error_description: description });
}

/**
 * Client and redirect URI first: until both are known good, errors are shown here and never
 * sent to the redirect URI (RFC 6749 §4.1.2.1, no open redirect).
 */
async function checkClient(ctx: Ctx, params: Record<string, string>) {
  if (params.client_id === undefined) return oauthError(400, "invalid_request", "send client_id");
  const found = await lookupClient(ctx, params.client_id);
  if ("problem" in found) return oauthError(400, "invalid_client", found.problem);
  const { client } = found;
  const redirectUri = params.redirect_uri;
  if (redirectUri === undefined || !redirectAllowed(client, redirectUri)) {
    return oauthError(
      400,
      "invalid_request",
      "redirect_uri is not registered for this client (exact match; the zero-config clients take any http://127.0.0.1|localhost|[::1]:<port>/ URI)",
    );
  }
  return { client, redirectUri };
}

/** The request's problem as `[error, description]`, or undefined when it is acceptable. */
function requestProblem(req: AuthorizeRequest): [string, string] | undefined {
  const p = req.params;
  if (p.request !== undefined) return ["request_not_supported", "send parameters in the query"];
  if (p.request_uri !== undefined)
    return ["request_uri_not_supported", "send parameters in the query"];
  if (p.response_type !== "code")
    return ["unsupported_response_type", "use response_type=code (authorization code flow)"];
  if (p.response_mode !== undefined && p.response_mode !== "query")
    return ["invalid_request", "only response_mode=query is served"];
  const method = p.code_challenge_method;
  if (method !== undefined && method !== "S256")
    return ["invalid_request", "code_challenge_method must be S256"];
  if (p.code_challenge === undefined) {
    if (isPublicClient(req.client))
      return ["invalid_request", "public clients must send code_challenge (PKCE, S256)"];
    if (method !== undefined) return ["invalid_request", "code_challenge is missing"];
  } else if (method !== "S256" || !PKCE_CHALLENGE.test(p.code_challenge)) {
    return ["invalid_request", "send code_challenge_method=S256 and a base64url code_challenge"];
  }
  if (p.nonce !== undefined && (p.nonce.length === 0 || p.nonce.length > 512))
    return ["invalid_request", "nonce must be 1-512 characters"];
  const prompts = (p.prompt ?? "").split(" ").filter(Boolean);
  if (prompts.some((x) => !PROMPTS.has(x)))
    return ["invalid_request", "prompt values: none, login, consent, select_account"];
  if (prompts.includes("none") && prompts.length > 1)
    return ["invalid_request", "prompt=none cannot be combined with other values"];
  if (p.max_age !== undefined && !MAX_AGE.test(p.max_age))
    return ["invalid_request", "max_age must be a non-negative whole number of seconds"];
  if (p.acr_values !== undefined && !ACR_VALUES.test(p.acr_values))
    return ["invalid_request", "acr_values must be up to 16 space-separated values like mfa"];
  return undefined;
}

/**
 * The code for `persona` at the level `acr_values` asks for (its extra step approved); the
 * login fails with `unmet_authentication_requirements` when the persona cannot reach it. Every
 * login authenticates afresh, so `max_age` always holds: `auth_time` is now.
 */
async function issueCode(ctx: Ctx, req: AuthorizeRequest, persona: Persona): Promise<MockResponse> {
  const acr = chooseAcr(ctx.settings.acrValues, persona, req.params.acr_values ?? null);
  if (acr === undefined)
    return errorBack(ctx, req, UNMET_ACR, "this user cannot reach the acr_values asked for");
  const now = ctx.now();
  const code = randomToken();
  // Codes have their own bounded store: the session and grant start when the code is redeemed.
  keep(
    ctx.oidc.codes,
    await sha256(code),
    {
      clientId: req.client.clientId,
      persona,
      scope: req.scope,
      resource: req.resource,
      sid: randomToken(16),
      authTime: Math.floor(now / 1000),
      acr,
      grantId: randomToken(16),
      redirectUri: req.redirectUri,
      codeChallenge: req.params.code_challenge ?? null,
      nonce: req.params.nonce ?? null,
      expiresAt: now + CODE_TTL_MS,
      used: false,
    },
    now,
  );
  return back(ctx, req, { code });
}

/** `GET|POST /oidc/authorize`: validate, then auto-approve or show the persona picker. */
export async function handleAuthorize(
  ctx: Ctx,
  request: RequestLike,
  url: URL,
): Promise<MockResponse> {
  const parsed =
    request.method === "POST" ? await readForm(request) : parseParams(url.searchParams);
  if ("response" in parsed) return parsed.response;
  const params = parsed.params;
  const checked = await checkClient(ctx, params);
  if ("status" in checked) return checked;
  const req: AuthorizeRequest = { ...checked, params, scope: [], resource: null };
  const problem = requestProblem(req);
  if (problem) return errorBack(ctx, req, ...problem);
  const resource = parseResource(params.resource);
  if (resource === undefined)
    return errorBack(
      ctx,
      req,
      "invalid_target",
      "resource must be an absolute URI without a fragment (RFC 8707)",
    );
  req.resource = resource;
  try {
    req.scope = parseScope(params.scope ?? "openid");
  } catch {
    return errorBack(ctx, req, "invalid_scope", "scope must be space-separated scope tokens");
  }
  const { state } = ctx;
  if (state.loginError)
    return errorBack(ctx, req, state.loginError, "the mock is set to fail logins (loginError)");
  const hint = params.login_hint;
  const hinted = hint === undefined ? undefined : findPersona(state, state.personas, hint);
  if (hint !== undefined && !hinted)
    return errorBack(
      ctx,
      req,
      "login_required",
      "no persona matches login_hint (id, user name or email)",
    );
  const prompts = (params.prompt ?? "").split(" ");
  if (state.loginMode === "interactive" && !hinted) {
    if (prompts.includes("none"))
      return errorBack(
        ctx,
        req,
        "login_required",
        "interactive login: pick a persona in the browser",
      );
    return loginPage(ctx, params);
  }
  const persona = hinted ?? findPersona(state, state.personas, state.loginPersona ?? state.userId);
  if (!persona) return errorBack(ctx, req, "login_required", "loginPersona names no persona");
  return issueCode(ctx, req, persona);
}

function loginPage(ctx: Ctx, params: Record<string, string>): MockResponse {
  const now = ctx.now();
  const interaction = randomToken();
  keep(ctx.oidc.interactions, interaction, { params, expiresAt: now + INTERACTION_TTL_MS }, now);
  const nonce = randomToken(16);
  const buttons = allPersonas(ctx.state, ctx.state.personas)
    .map((p) => {
      const detail = [p.email, (p.roles ?? []).join(", ")].filter(Boolean).join(" · ");
      return `<li><button name="persona" value="${escapeHtml(p.id)}">${escapeHtml(p.name ?? p.userName ?? p.id)}</button> <small>${escapeHtml(detail)}</small></li>`;
    })
    .join("\n");
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mock login</title>
<style nonce="${nonce}">body{font:16px system-ui;margin:3rem auto;max-width:32rem}li{margin:.5rem 0}</style></head>
<body><h1>Log in to ${escapeHtml(params.client_id ?? "")} as…</h1>
<form method="post" action="${OIDC_PATHS.authorizeDecision}">
<input type="hidden" name="interaction" value="${interaction}">
${extraStep(params)}<ul>${buttons}</ul>
<button name="cancel" value="1" formnovalidate>Cancel</button>
</form></body></html>`;
  return html(200, page, `default-src 'none'; style-src 'nonce-${nonce}'; frame-ancestors 'none'`);
}

/** The step-up part of the page: the level asked for, and the second factor to confirm. */
function extraStep(params: Record<string, string>): string {
  if (params.acr_values === undefined) return "";
  return `<fieldset><legend>Extra step: authentication level ${escapeHtml(params.acr_values)}</legend>
<label><input type="checkbox" name="step_up" value="1" required> I confirm the second factor (mock)</label></fieldset>
`;
}

/** `POST /oidc/authorize/decision`: the login page's choice (one use per page). */
export async function handleDecision(ctx: Ctx, request: RequestLike): Promise<MockResponse> {
  const parsed = await readForm(request);
  if ("response" in parsed) return parsed.response;
  const { interaction, persona: chosen, cancel } = parsed.params;
  const record = interaction === undefined ? undefined : ctx.oidc.interactions.get(interaction);
  if (!record || interaction === undefined)
    return oauthError(
      400,
      "invalid_request",
      "this login page expired or was used: start the login again",
    );
  ctx.oidc.interactions.delete(interaction);
  const checked = await checkClient(ctx, record.params);
  if ("status" in checked) return checked;
  const req: AuthorizeRequest = {
    ...checked,
    params: record.params,
    scope: parseScope(record.params.scope ?? "openid"),
    resource: parseResource(record.params.resource) ?? null,
  };
  if (cancel !== undefined)
    return errorBack(ctx, req, "access_denied", "the user cancelled the login");
  if (record.params.acr_values !== undefined && parsed.params.step_up !== "1")
    return errorBack(ctx, req, UNMET_ACR, "the extra step (second factor) was not confirmed");
  const persona =
    chosen === undefined ? undefined : findPersona(ctx.state, ctx.state.personas, chosen);
  if (!persona) return errorBack(ctx, req, "access_denied", "no such persona");
  return issueCode(ctx, req, persona);
}
