import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The built `@org/auth-react` (dist/index.js is served as /index.js). */
export const REACT_DIST = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../../packages/react/dist",
);

// The SDK's framework-free part needs none of its peers: stubs satisfy the bundle's imports.
const STUBS: Record<string, string> = {
  react:
    "export const createContext=()=>({}),useContext=()=>null,useSyncExternalStore=()=>null,useEffect=()=>{},useRef=()=>({}),useState=()=>[],useMemo=()=>null,useCallback=(f)=>f;",
  "react/jsx-runtime": "export const jsx=()=>null;",
  "@tanstack/react-query":
    "export class QueryClient{};export const QueryClientContext={},QueryClientProvider=()=>null,useQuery=()=>({});",
};

/**
 * A page of `origin` that loads the built SDK as `window.sdk` (framework-free exports) and its
 * socket entry as `window.sdkSocket`, with an optional `<base href>` (what an HTML injection could
 * add).
 * @example
 * const html = harnessPage("http://127.0.0.1:4000", "http://evil.test:4001/");
 */
export function harnessPage(origin: string, baseHref?: string): string {
  const imports = {
    ...Object.fromEntries(
      Object.entries(STUBS).map(([name, code]) => [
        name,
        `data:text/javascript,${encodeURIComponent(code)}`,
      ]),
    ),
    // The socket entry imports the session parts from the package itself.
    "@org/auth-react": `${origin}/index.js`,
  };
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sdk</title>
${baseHref ? `<base href="${baseHref}">` : ""}
<script type="importmap">${JSON.stringify({ imports })}</script>
<script type="module">window.sdkSocket = await import(${JSON.stringify(`${origin}/socket.js`)});
window.sdk = await import(${JSON.stringify(`${origin}/index.js`)});</script>
</head><body></body></html>`;
}
