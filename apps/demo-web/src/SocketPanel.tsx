import { useOnSignOut } from "@org/auth-react";
import { useAuthSocket } from "@org/auth-react/socket";
import { type FormEvent, useState } from "react";

const MAX_MESSAGES = 50;

/**
 * A live WebSocket to the demo API through the SDK's `useAuthSocket`: the token travels in the
 * `oxa-auth.bearer.<token>` subprotocol (never in the URL); the socket reconnects with a renewed
 * token when the API closes it because the token expired (4001), backs off after failures, and
 * stays closed once the session is revoked (4003) or the user signs out.
 */
export function SocketPanel({ apiUrl, enabled }: { apiUrl: string; enabled: boolean }) {
  const [protocol, setProtocol] = useState("");
  const [messages, setMessages] = useState<string[]>([]);
  // The previous user's messages must not stay on screen after a sign-out.
  useOnSignOut(() => setMessages([]));
  const [draft, setDraft] = useState("hello from the browser");
  const { state, send, reconnect } = useAuthSocket(
    enabled ? `${apiUrl.replace(/^http/, "ws")}/ws` : null,
    {
      onOpen: (socket) => setProtocol(socket.protocol),
      onMessage: (event) => {
        const text = typeof event.data === "string" ? event.data : "(binary)";
        setMessages((previous) => [...previous, text].slice(-MAX_MESSAGES));
      },
    },
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    if (draft) send(draft);
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
      <form className="row" onSubmit={submit}>
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
        <button type="button" data-testid="ws-reconnect" disabled={!enabled} onClick={reconnect}>
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
