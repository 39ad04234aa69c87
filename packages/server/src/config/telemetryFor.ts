import { NO_TELEMETRY, type Telemetry } from "../kernel/Telemetry.js";
import { loadOpenTelemetryApi } from "../telemetry/loadOpenTelemetryApi.js";
import { createOpenTelemetry, type TelemetryOptions } from "../telemetry/openTelemetry.js";

/**
 * The instance's telemetry from the `telemetry` option: none for `false`; else OpenTelemetry
 * through the given API module, or `@opentelemetry/api` imported when installed (no request
 * waits for that import).
 *
 * @example
 * const telemetry = telemetryFor(options.telemetry);
 */
export function telemetryFor(options: TelemetryOptions | false | undefined): Telemetry {
  if (options === false) return NO_TELEMETRY;
  return createOpenTelemetry(options?.api ?? loadOpenTelemetryApi(), options ?? {});
}
