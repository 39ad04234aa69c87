import { ConfigurationError } from "./errors.js";

/**
 * A validator's `resource` option (RFC 8707: the API's own identifier, which tokens must name in
 * `aud`), checked at construction; undefined when none is set.
 *
 * @example
 * this.resource = checkResource(options.resource); // throws a ConfigurationError for ""
 */
export function checkResource(resource: string | undefined): string | undefined {
  if (resource === undefined) return undefined;
  if (typeof resource !== "string" || resource === "" || resource.trim() !== resource) {
    throw new ConfigurationError(
      "resource (AUTH_RESOURCE) must be this API's resource identifier, e.g. https://mcp.example.com/mcp.",
    );
  }
  return resource;
}
