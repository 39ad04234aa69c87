import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderSettingsReadme, renderSettingsTable } from "./renderSettingsTable.js";
import { ENV_VARS } from "./settingsTable.js";

const README = join(import.meta.dirname, "../../README.md");

describe("the README's settings tables are generated from SETTINGS", () => {
  it("README.md says what the table says (else: pnpm --filter @org/auth-server docs:settings)", () => {
    const readme = readFileSync(README, "utf8");
    expect(renderSettingsReadme(readme)).toBe(readme);
  });

  it("every variable is a row of one of the generated tables", () => {
    const shown = `${renderSettingsTable("settings")}\n${renderSettingsTable("jwt")}`;
    expect(ENV_VARS.filter((name) => !shown.includes(`| \`${name}\``))).toEqual([]);
  });

  it("a README whose table lost a row, or its markers, is caught", () => {
    const readme = readFileSync(README, "utf8");
    const edited = readme.replace(/^\| `AUTH_REDIS_PREFIX`.*\n/m, "");
    expect(edited).not.toBe(readme);
    expect(renderSettingsReadme(edited)).not.toBe(edited);
    expect(() => renderSettingsReadme(readme.replace("<!-- settings-table:jwt -->", ""))).toThrow(
      /markers/,
    );
  });
});
