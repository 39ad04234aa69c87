import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { helpText } from "../cli/helpText.js";
import { createMockAuth } from "../handler/createMockAuth.js";
import { configFromEnv } from "../node/configFromEnv.js";
import { DEFAULT_AUTH_SETTINGS, DEFAULT_SERVER_SETTINGS, SETTINGS } from "./settings.js";

describe("the settings table", () => {
  const defaults: Record<string, unknown> = {
    ...DEFAULT_AUTH_SETTINGS,
    ...DEFAULT_SERVER_SETTINGS,
  };

  it("--help shows, for every setting, the default the mock really uses", () => {
    const help = helpText("0.0.0");
    for (const s of SETTINGS) {
      expect(help).toContain(`  ${s.env}  `.trimEnd());
      expect(help).toContain(`default: ${s.defaultText}`);
      expect(defaults[s.key]).toEqual(s.defaultValue);
      if (s.defaultValue === undefined || s.defaultValue === null) {
        expect(s.defaultText).toMatch(/^\(.+\)$|HOST/);
        continue;
      }
      // The text is what a user would type: the env reader turns it back into the default.
      const fromText = configFromEnv({ [s.env]: s.defaultText })[s.key as keyof object];
      expect(fromText).toEqual(s.defaultValue);
    }
  });

  it("the README's table lists every setting with the same default", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    for (const s of SETTINGS) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${s.env}\``));
      expect(row, s.env).toBeDefined();
      const cell = row?.split("|")[2]?.trim();
      const shown = /^\((.+)\)$/.exec(s.defaultText)?.[1] ?? `\`${s.defaultText}\``;
      expect(cell, s.env).toBe(shown);
    }
  });

  it("has one default for every setting but the run-time base URL", () => {
    const withDefault = SETTINGS.filter((s) => s.defaultValue !== undefined).map((s) => s.key);
    expect(Object.keys(defaults).sort()).toEqual([...withDefault].sort());
    expect(SETTINGS.filter((s) => s.defaultValue === undefined).map((s) => s.key)).toEqual([
      "baseUrl",
    ]);
  });

  it("a mock created without options runs on exactly those defaults", () => {
    const { baseUrl, ...settings } = createMockAuth().settings;
    expect(settings).toEqual(DEFAULT_AUTH_SETTINGS);
    expect(baseUrl).toBe(`http://${DEFAULT_SERVER_SETTINGS.host}:${DEFAULT_SERVER_SETTINGS.port}`);
  });

  it("hands out copies of list defaults, so one mock cannot change another's", () => {
    const a = createMockAuth();
    a.setState({ permissions: ["read", "audit"] });
    (a.settings.permissions as string[]).push("mutated");
    expect(createMockAuth().getState().permissions).toEqual(["read"]);
  });
});
