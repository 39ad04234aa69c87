import { SETTINGS } from "../config/settings.js";

/** `--help` output: usage plus every env var with its default. */
export function helpText(version: string): string {
  const width = Math.max(...SETTINGS.map((s) => s.env.length));
  const rows = SETTINGS.map(
    (s) =>
      `  ${s.env.padEnd(width)}  ${s.description}\n  ${" ".repeat(width)}  default: ${s.defaultText}`,
  );
  return `auth-mock-server ${version}: a local stand-in for the Oxaigen auth proxy (/_oxa_auth/*).
Development only: it hands out tokens to anyone who asks.

Usage:
  pnpm dlx @org/auth-mock-server          (bins: auth-mock-server, oxaigen-auth-mock)
  OXAIGEN_AUTH_MOCK_PORT=0 auth-mock-server
  auth-mock-server --help | --version

Prints the URL it listens on as the first line, then a summary. Ctrl-C / SIGTERM stop it.

Environment variables:
${rows.join("\n")}

Run-time changes without a restart:
  curl -X PUT -H 'content-type: application/json' \\
       -d '{"permissions":["read","audit"]}' http://127.0.0.1:8765/_oxa_auth/mock/state
`;
}
