#!/usr/bin/env node
// API report: every public export of every package entry point (from the built .d.ts files that
// consumers see), one line per export or member, so two builds can be diffed line by line.
// Usage: node scripts/api-report/generate.mjs [repo root] > report.txt   (run `pnpm build` first)
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const root = resolve(process.argv[2] ?? ".");
const require = createRequire(join(process.cwd(), "package.json"));
const ts = require("typescript");
const PACKAGES = ["packages/server", "packages/react", "packages/mock-server"];
const FLAGS = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.WriteArrowStyleSignature;

/** Each entry point's ESM type file, from the package's `exports` map. */
function entryPoints(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const entries = [];
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    const types = target?.import?.types ?? target?.types;
    if (typeof types === "string")
      entries.push([`${manifest.name}${subpath.slice(1)}`, join(dir, types)]);
  }
  return entries;
}

function kindOf(symbol) {
  const flags = symbol.flags;
  if (flags & ts.SymbolFlags.Class) return "class";
  if (flags & ts.SymbolFlags.Function) return "function";
  if (flags & ts.SymbolFlags.Variable) return "const";
  if (flags & ts.SymbolFlags.Interface) return "interface";
  if (flags & ts.SymbolFlags.TypeAlias) return "type";
  if (flags & ts.SymbolFlags.Enum) return "enum";
  return "other";
}

function describe(checker, symbol, node) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const kind = kindOf(target);
  const lines = [];
  const decl = target.declarations?.[0] ?? node;
  if (kind === "function" || kind === "const") {
    const type = checker.getTypeOfSymbolAtLocation(target, decl);
    // A function and a const holding the same callable are the same API for a caller.
    lines.push(`value ${symbol.name}: ${checker.typeToString(type, undefined, FLAGS)}`);
  } else if (kind === "class" || kind === "interface") {
    lines.push(`${kind} ${symbol.name}`);
    const type = checker.getDeclaredTypeOfSymbol(target);
    for (const member of checker.getPropertiesOfType(type)) {
      if (member.name.startsWith("__@") || member.name.startsWith("#")) continue;
      const mdecl = member.declarations?.[0];
      const mods = mdecl ? ts.getCombinedModifierFlags(mdecl) : 0;
      if (mods & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      const internal =
        mdecl && ts.getJSDocTags(mdecl).some((tag) => tag.tagName.text === "internal");
      if (internal) continue;
      const optional = member.flags & ts.SymbolFlags.Optional ? "?" : "";
      const mtype = checker.getTypeOfSymbolAtLocation(member, mdecl ?? decl);
      lines.push(
        `  ${symbol.name}.${member.name}${optional}: ${checker.typeToString(mtype, undefined, FLAGS)}`,
      );
    }
    if (kind === "class") {
      const ctor = checker.getTypeOfSymbolAtLocation(target, decl);
      for (const sig of ctor.getConstructSignatures()) {
        lines.push(
          `  new ${symbol.name}${checker.signatureToString(sig, undefined, FLAGS).replace(/^new /, "")}`,
        );
      }
    }
  } else if (kind === "type") {
    const type = checker.getDeclaredTypeOfSymbol(target);
    lines.push(
      `type ${symbol.name} = ${checker.typeToString(type, undefined, FLAGS | ts.TypeFormatFlags.InTypeAlias)}`,
    );
  } else lines.push(`${kind} ${symbol.name}`);
  return lines;
}

const out = [];
for (const pkg of PACKAGES) {
  const dir = join(root, pkg);
  for (const [name, file] of entryPoints(dir)) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run pnpm build first`);
    const program = ts.createProgram([file], { skipLibCheck: true, strict: true, noEmit: true });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(file);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    out.push(`# ${name}`);
    const exports = checker
      .getExportsOfModule(moduleSymbol)
      .sort((a, b) => a.name.localeCompare(b.name));
    for (const symbol of exports) out.push(...describe(checker, symbol, source));
    out.push("");
  }
}
process.stdout.write(`${out.join("\n")}`);
