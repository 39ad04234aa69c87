import { vi } from "vitest";

export const AUTH = "http://127.0.0.1:8765";
export const API = "http://127.0.0.1:8000";

export interface FakePopup {
  closed: boolean;
  /** Where the SDK navigated the popup ("" while it is blank). */
  url: string;
  close: () => void;
  location: { href: string };
}

/**
 * Stubs `window.open` with a fake popup window we can post messages "from". The SDK opens it blank
 * and navigates it once the sign-in code loaded: await `navigated()` before reading its URL.
 */
export function stubPopup() {
  const popup: FakePopup = {
    closed: false,
    url: "",
    close: vi.fn(() => {
      popup.closed = true;
    }),
    location: {
      get href() {
        return popup.url;
      },
      set href(url: string) {
        popup.url = url;
      },
    },
  };
  const open = vi.spyOn(window, "open").mockImplementation((url) => {
    popup.url = String(url ?? "");
    popup.closed = false;
    return popup as unknown as Window;
  });
  const loginUrl = () => new URL(popup.url);
  const state = () => loginUrl().searchParams.get("state") ?? "";
  /** Resolves once the SDK navigated the popup to the login URL. */
  const navigated = () =>
    vi.waitFor(
      () => {
        if (!popup.url) throw new Error("the popup is still blank");
      },
      { timeout: 5_000, interval: 5 },
    );
  return { popup, open, loginUrl, state, navigated };
}

/** Dispatch a `message` event as if posted by `source` from `origin`. */
export function postMessageFrom(data: unknown, origin: string, source: unknown): void {
  window.dispatchEvent(new MessageEvent("message", { data, origin, source: source as Window }));
}

/** Let pending promises and network mocks settle. */
export const flush = (ms = 20) => new Promise((r) => setTimeout(r, ms));

const stops: Array<() => void> = [];
/** Starts a client and registers it to be stopped by {@link stopAll}. */
export function track<T extends { start: () => () => void }>(client: T): T {
  stops.push(client.start());
  return client;
}
/** Stops every client from {@link track} (their BroadcastChannels would leak into later tests). */
export function stopAll(): void {
  for (const stop of stops.splice(0)) stop();
}

/** Runs the popup flow on `client` against `codeFor` (what the callback page would post). */
export async function popupLogin(
  client: { login: () => Promise<void> },
  codeFor: (state: string) => Promise<string>,
  origin = AUTH,
): Promise<void> {
  const { popup, state, open, navigated } = stubPopup();
  const done = client.login();
  await navigated();
  postMessageFrom(
    { type: "OXA_AUTH_SUCCESS", state: state(), code: await codeFor(state()) },
    origin,
    popup,
  );
  await done;
  open.mockRestore();
}
