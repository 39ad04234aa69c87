import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Ports and URLs come from the environment so that `pnpm demo` and the E2E can place the app on
// any origin; the defaults are the documented demo set-up.
export default defineConfig({
  plugins: [react()],
  server: { host: "localhost", port: 5173, strictPort: true },
  preview: { host: "localhost", port: 4173, strictPort: true },
  build: { sourcemap: true },
});
