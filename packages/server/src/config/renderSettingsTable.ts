import { type AnyRow, SETTINGS, type SettingSection } from "./settingsTable.js";

/** The README's generated tables: their marker name and the sections they list. */
const TABLES: Readonly<Record<string, readonly SettingSection[]>> = {
  settings: [
    "provider",
    "proxy",
    "shared",
    "limits",
    "redis",
    "logout",
    "dpop",
    "resource",
    "runtime",
  ],
  jwt: ["jwt", "keycloak", "supabase", "auth0", "authentik"],
  introspection: ["introspection"],
};

const code = (text: string) => `\`${text}\``;

/** A Markdown table with its columns padded, as the README's hand-written tables are. */
function markdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [head, ...rows].map((row) => row.map((cell) => cell.replaceAll("|", "\\|")));
  const widths = head.map((_, i) => Math.max(3, ...cells.map((row) => [...(row[i] ?? "")].length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, i) => cell + " ".repeat((widths[i] ?? 0) - [...cell].length)).join(" | ")} |`;
  const [first = [], ...rest] = cells;
  return [line(first), line(widths.map((w) => "-".repeat(w))), ...rest.map(line)].join("\n");
}

/**
 * The Markdown of one generated README table (`settings` or `jwt`), from the rows of SETTINGS
 * in its sections, in table order.
 *
 * @example
 * renderSettingsTable("jwt"); // "| variable | type | default | meaning |\n…"
 */
export function renderSettingsTable(name: string): string {
  const sections = TABLES[name] ?? [];
  const rows = (Object.values(SETTINGS) as AnyRow[]).filter((row) =>
    sections.includes(row.section),
  );
  if (name === "settings") {
    return markdownTable(
      ["env var", "option", "type", "default", "purpose"],
      rows.map((row) => [
        code(row.env),
        row.option === undefined ? "–" : code(row.option),
        row.type,
        row.defaultText,
        row.description,
      ]),
    );
  }
  return markdownTable(
    ["variable", "type", "default", "meaning"],
    rows.map((row) => [code(row.env), row.type, row.defaultText, row.description]),
  );
}

/**
 * `readme` with every generated table (between `<!-- settings-table:NAME -->` and
 * `<!-- /settings-table:NAME -->`) rendered afresh from SETTINGS; throws when a marker is missing.
 *
 * @example
 * writeFileSync("README.md", renderSettingsReadme(readFileSync("README.md", "utf8")));
 */
export function renderSettingsReadme(readme: string): string {
  let out = readme;
  for (const name of Object.keys(TABLES)) {
    const start = `<!-- settings-table:${name} -->`;
    const end = `<!-- /settings-table:${name} -->`;
    const from = out.indexOf(start);
    const to = out.indexOf(end);
    if (from === -1 || to < from) {
      throw new Error(`README.md lacks the markers ${start} … ${end} around its ${name} table.`);
    }
    out = `${out.slice(0, from + start.length)}\n\n${renderSettingsTable(name)}\n\n${out.slice(to)}`;
  }
  return out;
}
