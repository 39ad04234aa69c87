// One cold process of the cold-start benchmark: an Express 5 app whose /me route is protected
// (argv[2] = "auth", mode from the env) or not (argv[2] = "none"). It imports what a real app
// loads, before it listens, so the measured time includes loading the SDK.
import express from "express";

const withAuth = process.argv[2] === "auth";
const app = express();
if (withAuth) {
  const { getCurrentUser } = await import("@org/auth-server/express");
  app.get("/me", getCurrentUser(), (req, res) => res.json({ email: req.user?.email ?? null }));
} else {
  app.get("/me", (_req, res) => res.json({ email: null }));
}
const server = app.listen(0, "127.0.0.1", () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
