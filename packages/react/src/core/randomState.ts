// A file of its own so that it stays in the lazy sign-in chunk, its only user.
/** 32 random bytes, base64url (the contract's `state`). */
export function randomState(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}
