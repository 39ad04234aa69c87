import { ConfigurationError } from "../../kernel/errors.js";

/** The placeholder of a multi-tenant issuer, as Microsoft writes it. */
export const TENANT_PLACEHOLDER = "{tenantid}";
/** A tenant id as it may appear in an issuer: a GUID (Azure AD / Entra ID tenant ids). */
const TENANT_ID = "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})";

/**
 * An issuer with a `{tenantid}` placeholder (Azure AD multi-tenant apps:
 * `https://login.microsoftonline.com/{tenantid}/v2.0`). A token matches when its `iss` is the
 * template with a tenant id in place of the placeholder and, once its signature is checked, its
 * `tid` claim names that same tenant.
 *
 * @example
 * const template = new IssuerTemplate("https://login.microsoftonline.com/{tenantid}/v2.0");
 * template.tenantOf("https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0");
 */
export class IssuerTemplate {
  readonly template: string;
  readonly #pattern: RegExp;

  constructor(template: string) {
    const parts = template.split(TENANT_PLACEHOLDER);
    if (parts.length !== 2) {
      throw new ConfigurationError(
        `The issuer template ${JSON.stringify(template)} must hold ${TENANT_PLACEHOLDER} exactly once.`,
      );
    }
    this.template = template;
    this.#pattern = new RegExp(`^${parts.map(escapeRegExp).join(TENANT_ID)}$`);
  }

  /** Whether an issuer is a template (holds the placeholder). */
  static isTemplate(issuer: string): boolean {
    return issuer.includes(TENANT_PLACEHOLDER);
  }

  /** The tenant id an issuer names through this template, or undefined when it does not match. */
  tenantOf(issuer: string): string | undefined {
    return this.#pattern.exec(issuer)?.[1];
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
