/**
 * Lower-case hex (a sha256 from the platform) as unpadded base64url, as DPoP's `ath` and
 * thumbprints spell digests; `btoa` exists on every runtime the SDK supports.
 *
 * @example
 * hexToBase64url(platform.sha256Hex(token)); // the token's `ath`
 */
export function hexToBase64url(hex: string): string {
  let binary = "";
  for (let i = 0; i < hex.length; i += 2) {
    binary += String.fromCharCode(Number.parseInt(hex.slice(i, i + 2), 16));
  }
  return btoa(binary).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}
