import { runInNewContext } from "node:vm";
import type { MockAuth, MockAuthOptions } from "../src/handler/createMockAuth.js";

/** A fake clock shared by the mock (`now`) and the test. */
export interface Clock {
  now(): number;
  advance(ms: number): void;
}

/** Create a clock starting at the real time. */
export function createClock(): Clock {
  let t = Date.now();
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/** What a scenario runs against: the real HTTP server or the msw handlers. */
export interface Harness {
  baseUrl: string;
  mock: MockAuth;
  clock: Clock;
  /** fetch(baseUrl + path) without following redirects. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/** Builds a harness for a scenario's options; returns it and how to dispose of it. */
export type HarnessFactory = (
  options: MockAuthOptions,
) => Promise<{ harness: Harness; dispose(): Promise<void> }>;

/** Data block of the callback page. */
export function callbackData(page: string): {
  message: Record<string, string>;
  targetOrigin: string | null;
  returnTo: string | null;
} {
  const match = /<script type="application\/json" id="oxa-auth-data">([\s\S]*?)<\/script>/.exec(
    page,
  );
  if (!match?.[1]) throw new Error("callback page has no data block");
  return JSON.parse(match[1]);
}

/** What the callback page's script did in a simulated browser. */
export interface PageRun {
  posted: { message: unknown; targetOrigin: unknown }[];
  broadcast: { channel: string; message: unknown }[];
  closed: boolean;
  replacedWith: string | null;
  fetched: { url: string; body: string }[];
}

/**
 * Execute the page's inline script in a sandbox. `opener`: window.opener is set; `popup`: the
 * window was opened by script, so window.close() works (a top-level tab ignores it).
 */
export async function runCallbackPage(
  page: string,
  { opener: withOpener, popup }: { opener: boolean; popup: boolean },
): Promise<PageRun> {
  const run: PageRun = {
    posted: [],
    broadcast: [],
    closed: false,
    replacedWith: null,
    fetched: [],
  };
  const data = /<script type="application\/json" id="oxa-auth-data">([\s\S]*?)<\/script>/.exec(
    page,
  )?.[1];
  const script = /<script nonce="[^"]+">([\s\S]*?)<\/script>/.exec(page)?.[1];
  if (!data || !script) throw new Error("callback page lacks its data or script");
  const timers: (() => void)[] = [];
  const opener = withOpener
    ? {
        closed: false,
        postMessage: (message: unknown, targetOrigin: unknown) =>
          run.posted.push({ message, targetOrigin }),
      }
    : null;
  const window = {
    opener,
    close: () => {
      run.closed = true;
    },
    location: {
      replace: (url: string) => {
        run.replacedWith = url;
      },
    },
  };
  class BroadcastChannel {
    constructor(readonly name: string) {}
    postMessage(message: unknown) {
      run.broadcast.push({ channel: this.name, message });
    }
    close() {}
  }
  const fetch = (url: string, init: { body: string }) => {
    run.fetched.push({ url, body: init.body });
    return Promise.resolve({});
  };
  runInNewContext(script, {
    window,
    document: {
      getElementById: (id: string) => (id === "oxa-auth-data" ? { textContent: data } : null),
    },
    BroadcastChannel,
    fetch,
    JSON,
    setTimeout: (fn: () => void) => timers.push(fn),
  });
  // A closed popup never runs its timers; a top-level tab stays open, so its fallback fires.
  if (!popup) for (const t of timers) t();
  await new Promise((r) => setTimeout(r, 0));
  return run;
}
