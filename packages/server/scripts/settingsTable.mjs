// Writes the README's settings tables from the settings table (src/config/settingsTable.ts):
// `pnpm --filter @org/auth-server docs:settings`. src/config/settingsReadme.test.ts fails while
// the README and the table disagree.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "tsup";

const root = join(import.meta.dirname, "..");
const outDir = mkdtempSync(join(tmpdir(), "settings-table-"));
try {
  await build({
    entry: { render: join(root, "src/config/renderSettingsTable.ts") },
    format: ["esm"],
    outDir,
    silent: true,
    config: false,
    dts: false,
  });
  const { renderSettingsReadme } = await import(pathToFileURL(join(outDir, "render.js")).href);
  const path = join(root, "README.md");
  const before = readFileSync(path, "utf8");
  const after = renderSettingsReadme(before);
  writeFileSync(path, after);
  console.log(
    before === after
      ? "README.md settings tables: up to date"
      : "README.md settings tables: written",
  );
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
