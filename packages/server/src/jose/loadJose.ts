type Jose = typeof import("jose");

let pending: Promise<Jose> | undefined;
let loaded: Jose | undefined;

/**
 * jose, imported the first time a JWT validator is created (in the background: start-up does not
 * wait for it). A proxy-mode app never creates one, so it never loads jose.
 *
 * @example
 * const { jwtVerify } = await loadJose();
 */
export function loadJose(): Promise<Jose> {
  pending ??= import("jose").then((jose) => {
    loaded = jose;
    return jose;
  });
  return pending;
}

/**
 * jose if it is loaded already, else `undefined`: no jose error can exist before jose is loaded.
 *
 * @example
 * const errors = loadedJose()?.errors;
 * if (errors && error instanceof errors.JWTExpired) return invalidToken("token expired");
 */
export function loadedJose(): Jose | undefined {
  return loaded;
}
