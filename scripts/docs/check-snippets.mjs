#!/usr/bin/env node
// Compiles every TypeScript / TSX code block of the READMEs with `tsc --noEmit --strict`, against
// the built workspace packages (their dist/*.d.ts, as users get them), so a snippet cannot rot.
//
// Each block becomes one module under packages/<pkg>/node_modules/.cache/snippets/, so it
// resolves the frameworks that package tests with. A comment line right before a block steers it:
//   <!-- snippet: context=express -->   prepend the declarations CONTEXTS.express gives a fragment
//   <!-- snippet: skip (why) -->        do not compile it (say why)
// Usage: node scripts/docs/check-snippets.mjs [README.md …]   (default: the four READMEs)
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const READMES = [
  "README.md",
  "packages/server/README.md",
  "packages/react/README.md",
  "packages/mock-server/README.md",
];
const PACKAGES = {
  "auth-server": "server",
  "auth-react": "react",
  "auth-mock-server": "mock-server",
};

// Declarations a fragment may lean on: what the surrounding prose says exists. Each is one line,
// so error line numbers stay easy to map back (the offset is the number of lines).
const CONTEXTS = {
  express: [
    'import type { Express, RequestHandler } from "express";',
    "declare const app: Express;",
    "declare const handler: RequestHandler, list: RequestHandler, remove: RequestHandler;",
    "declare const reindex: RequestHandler, chats: RequestHandler, ingest: RequestHandler;",
  ],
  fastify: [
    'import type { FastifyInstance } from "fastify";',
    "declare const app: FastifyInstance;",
  ],
  hono: [
    'import type { Hono } from "hono";',
    'import type { Auth } from "@org/auth-server";',
    "declare const app: Hono; declare const auth: Auth;",
  ],
  upgrade: [
    'import type { IncomingMessage } from "node:http";',
    'import type { Duplex } from "node:stream";',
    'import type { WebSocketServer } from "ws";',
    'import type { Auth } from "@org/auth-server";',
    "declare const req: IncomingMessage, socket: Duplex, head: Buffer, wss: WebSocketServer, auth: Auth;",
  ],
  logger: [
    'import { type Auth, UpstreamError } from "@org/auth-server";',
    "declare const auth: Auth, req: Request;",
    "declare const logger: { error(message: string, meta?: object): void };",
  ],
  adapter: [
    "declare function myValidate(token: string): Promise<{ sub: string; email?: string; roles?: string[] } & Record<string, unknown>>;",
  ],
};

// Runtimes and frameworks the workspace does not install: the few members the snippets use.
const AMBIENT = `
declare namespace Bun {
  interface ServerWebSocket<T> { data: T; send(message: string): void; close(code?: number): void }
  interface Server { upgrade<T>(request: Request, options?: { headers?: HeadersInit; data?: T }): boolean }
  function serve<T = any>(options: {
    port?: number;
    fetch(request: Request, server: Server): Response | undefined | Promise<Response | undefined>;
    websocket?: {
      open?(ws: ServerWebSocket<T>): void;
      close?(ws: ServerWebSocket<T>): void;
      message(ws: ServerWebSocket<T>, message: string | Uint8Array): void;
    };
  }): unknown;
}
declare namespace Deno {
  function serve(handler: (request: Request) => Response | Promise<Response>): unknown;
  function serve(options: { port?: number }, handler: (request: Request) => Response | Promise<Response>): unknown;
  function upgradeWebSocket(request: Request, options?: { protocol?: string }): { socket: WebSocket; response: Response };
}
declare class WebSocketPair { 0: WebSocket & { accept(): void }; 1: WebSocket & { accept(): void } }
interface ResponseInit { webSocket?: WebSocket }
declare module "cloudflare:workers" { export const env: Record<string, string> }
declare module "next/server" {
  export type NextRequest = Request;
  export class NextResponse extends Response { static next(): NextResponse }
}
declare module "next/headers" {
  export function headers(): Promise<Headers>;
  export function cookies(): Promise<{ toString(): string }>;
}
`;

const FENCE = /^```(ts|tsx|typescript)\n([\s\S]*?)^```$/gm;
const DIRECTIVE = /<!-- snippet: (.+?) -->\s*$/;

/** The TypeScript blocks of one README, with their line, context and skip reason. */
function blocksOf(readme) {
  const text = readFileSync(join(root, readme), "utf8");
  const blocks = [];
  for (const match of text.matchAll(FENCE)) {
    const before = text.slice(0, match.index);
    const line = before.split("\n").length + 1; // first line of the code
    const previous = before.trimEnd().split("\n").at(-1) ?? "";
    const directive = DIRECTIVE.exec(previous)?.[1] ?? "";
    const skip = /^skip\b/.test(directive) ? directive : undefined;
    const context = /context=(\S+)/.exec(directive)?.[1];
    if (context && !CONTEXTS[context])
      throw new Error(`${readme}:${line}: no context "${context}"`);
    blocks.push({ readme, line, lang: match[1], code: match[2], context, skip });
  }
  return blocks;
}

/**
 * Which package's node_modules a snippet resolves from: a block using the server SDK from the
 * server's (it has the frameworks and the mock as devDependencies), else the README's package.
 */
function packageOf(readme, block) {
  if (/from "@org\/auth-server[/"]/.test(block.code)) return "server";
  if (readme.startsWith("packages/")) return readme.split("/")[1];
  return block.lang === "tsx" ? "react" : "server";
}

function run(file, args, cwd) {
  return new Promise((resolvePromise) => {
    execFile(file, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolvePromise({ code: error ? (error.code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

async function main() {
  const readmes = process.argv.slice(2).length > 0 ? process.argv.slice(2) : READMES;
  for (const dir of Object.values(PACKAGES)) {
    if (!existsSync(join(root, "packages", dir, "dist"))) {
      throw new Error(`packages/${dir}/dist is missing: run \`pnpm build\` first`);
    }
  }
  const blocks = readmes.flatMap((readme) => blocksOf(readme));
  const files = new Map(); // absolute path → block
  const dirs = new Set();
  for (const [i, block] of blocks.entries()) {
    if (block.skip) continue;
    const dir = join(
      root,
      "packages",
      packageOf(block.readme, block),
      "node_modules/.cache/snippets",
    );
    if (!dirs.has(dir)) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      dirs.add(dir);
    }
    const prelude = block.context ? CONTEXTS[block.context] : [];
    const name = `${block.readme.replaceAll("/", "_").replace(".md", "")}_L${block.line}_${i}`;
    const file = join(dir, `${name}.${block.lang === "tsx" ? "tsx" : "ts"}`);
    // `export {}` keeps every block a module of its own, whatever it imports.
    writeFileSync(file, `${[...prelude, block.code].join("\n")}\nexport {};\n`);
    files.set(file, { ...block, offset: prelude.length });
  }
  const work = join(root, "packages/server/node_modules/.cache/snippets");
  writeFileSync(join(work, "ambient.d.ts"), AMBIENT);
  const paths = {};
  for (const [name, dir] of Object.entries(PACKAGES)) {
    const dist = join(root, "packages", dir, "dist");
    paths[`@org/${name}`] = [join(dist, "index.d.ts")];
    paths[`@org/${name}/*`] = [join(dist, "*.d.ts")];
    paths[`npm:@org/${name}/*`] = [join(dist, "*.d.ts")];
  }
  paths["npm:hono@^4"] = [join(root, "packages/server/node_modules/hono")];
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: "ES2022",
      module: "ESNext",
      moduleResolution: "Bundler",
      jsx: "react-jsx",
      lib: ["ES2023", "DOM", "DOM.Iterable"],
      types: ["node"],
      esModuleInterop: true,
      skipLibCheck: true,
      noUnusedLocals: false,
      paths,
    },
    files: [join(work, "ambient.d.ts"), ...files.keys()],
  };
  writeFileSync(join(work, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  const tsc = join(root, "node_modules/typescript/bin/tsc");
  const { code, out } = await run(
    process.execPath,
    [tsc, "-p", join(work, "tsconfig.json"), "--pretty", "false"],
    work,
  );
  const skipped = blocks.filter((b) => b.skip);
  const errors = [];
  for (const line of out.split("\n")) {
    const m = /^(.+?)\((\d+),(\d+)\): (error .*)$/.exec(line);
    if (!m) continue;
    const block = files.get(resolve(work, m[1]));
    if (!block) {
      errors.push(line);
      continue;
    }
    const at = block.line + Number(m[2]) - 1 - block.offset;
    errors.push(`${block.readme}:${at}:${m[3]} ${m[4]}`);
  }
  if (code !== 0) {
    console.error(errors.length > 0 ? errors.join("\n") : out);
    console.error(
      `check-snippets: ${errors.length} error(s) in the README code blocks (tsc --strict); fix the snippet, or mark a fragment with <!-- snippet: context=… --> (see scripts/docs/check-snippets.mjs)`,
    );
    process.exitCode = 1;
    return;
  }
  console.log(
    `check-snippets: ${files.size} TypeScript block(s) of ${readmes.length} README(s) compile under --strict (${skipped.length} skipped: ${skipped.map((b) => `${b.readme}:${b.line}`).join(", ") || "none"})`,
  );
}

main().catch((error) => {
  console.error(`check-snippets: ${error.message}`);
  process.exitCode = 1;
});
