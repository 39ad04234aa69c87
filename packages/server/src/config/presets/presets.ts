import { auth0Preset } from "./auth0.js";
import { authentikPreset } from "./authentik.js";
import { keycloakPreset } from "./keycloak.js";
import { azurePreset, oidcPreset, oktaPreset } from "./oidc.js";
import type { Preset } from "./Preset.js";
import { supabasePreset } from "./supabase.js";

/** Built-in JWT presets by `AUTH_PROVIDER` name. */
export const PRESETS: ReadonlyMap<string, Preset> = new Map(
  [
    oidcPreset,
    keycloakPreset,
    supabasePreset,
    auth0Preset,
    authentikPreset,
    oktaPreset,
    azurePreset,
  ].map((preset) => [preset.name, preset]),
);
