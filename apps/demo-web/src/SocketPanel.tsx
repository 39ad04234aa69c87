import { authWebSocketProtocols, useAuth, useOnSignOut } from "@org/auth-react";
import { type FormEvent, useEffect, useRef, useState } from "react";

type SocketState = "idle" | "connecting" | "open" | "closed";

const MAX_MESSAGES = 50;
const MAX_RECONNECT_DELAY_MS = 5000;

/**
 * A live WebSocket to the demo API. The token travels in the `oxa-auth.bearer.<token>`
 * subprotocol (never in the URL); every (re)connect asks the SDK for a fresh token, so a socket
 * that drops after the first token expired comes back with a current one.
 */
export function SocketPanel({ apiUrl, enabled }: { apiUrl: string; enabled: boolean }) {
  const { getAccessToken } = useAuth();
  const getToken = useRef(getAccessToken);
  getToken.current = getAccessToken;
  const socketRef = useRef<WebSocket | null>(null);
  const [state, setState] = useState<SocketState>("idle");
  const [protocol, setProtocol] = useState("");
  const [messages, setMessages] = useState<string[]>([]);
  // The previous user's messages must not stay on screen after a sign-out.
  useOnSignOut(() => setMessages([]));
  const [draft, setDraft] = useState("hello from the browser");
  const [generation, setGeneration] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` forces a fresh connection
  useEffect(() => {
    if (!enabled) {
      setState("idle");
      return;
    }
    let stopped = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const url = `${apiUrl.replace(/^http/, "ws")}/ws`;

    const connect = async () => {
      setState("connecting");
      const token = await getToken.current().catch(() => null);
      if (stopped) return;
      if (!token) {
        setState("closed");
        return;
      }
      const socket = new WebSocket(url, authWebSocketProtocols(token));
      socketRef.current = socket;
      socket.onopen = () => {
        attempt = 0;
        setProtocol(socket.protocol);
        setState("open");
      };
      socket.onmessage = (event) => {
        const text = typeof event.data === "string" ? event.data : "(binary)";
        setMessages((previous) => [...previous, text].slice(-MAX_MESSAGES));
      };
      socket.onclose = () => {
        if (socketRef.current === socket) socketRef.current = null;
        if (stopped) return;
        setState("closed");
        attempt += 1;
        timer = setTimeout(
          () => void connect(),
          Math.min(500 * 2 ** attempt, MAX_RECONNECT_DELAY_MS),
        );
      };
    };

    void connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socketRef.current?.close(1000, "component closed");
      socketRef.current = null;
    };
  }, [apiUrl, enabled, generation]);

  function send(event: FormEvent) {
    event.preventDefault();
    const socket = socketRef.current;
    if (socket?.readyState === WebSocket.OPEN && draft) socket.send(draft);
  }

  return (
    <section className="card">
      <h2>WebSocket</h2>
      <p>
        State:{" "}
        <span className={`status status-${state}`} data-testid="ws-state" data-protocol={protocol}>
          {state}
        </span>
        {state === "open" && protocol ? (
          <span className="muted small"> (subprotocol {protocol})</span>
        ) : null}
      </p>
      <form className="row" onSubmit={send}>
        <input
          data-testid="ws-input"
          value={draft}
          maxLength={500}
          onChange={(event) => setDraft(event.target.value)}
          disabled={!enabled}
        />
        <button type="submit" data-testid="ws-send" disabled={state !== "open"}>
          Send
        </button>
        <button
          type="button"
          data-testid="ws-reconnect"
          disabled={!enabled}
          onClick={() => setGeneration((value) => value + 1)}
        >
          Reconnect
        </button>
      </form>
      <ol className="messages" data-testid="ws-messages">
        {messages.map((message, index) => (
          // Messages are append-only, so the index is a stable key.
          // biome-ignore lint/suspicious/noArrayIndexKey: append-only list
          <li key={index} data-testid="ws-message">
            <code>{message}</code>
          </li>
        ))}
      </ol>
    </section>
  );
}
