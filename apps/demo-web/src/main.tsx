import { AuthProvider } from "@org/auth-react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.js";
import { readConfig } from "./config.js";
import "./styles.css";

const config = readConfig(import.meta.env);
const root = document.getElementById("root");
if (!root) throw new Error("index.html must contain <div id=root>.");

createRoot(root).render(
  <StrictMode>
    <AuthProvider
      authApiBaseUrl={config.authApiUrl}
      apiOrigins={[config.apiOrigin]}
      dpop={config.dpop}
      stepUp="popup"
      refreshLeewayMs={
        config.refreshLeewaySeconds === undefined ? undefined : config.refreshLeewaySeconds * 1000
      }
    >
      <App config={config} />
    </AuthProvider>
  </StrictMode>,
);
