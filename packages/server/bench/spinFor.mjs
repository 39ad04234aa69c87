// Plain main-thread work of a given length for the benches' controls: integer arithmetic in a
// loop, no allocation and no call, calibrated once against the CPU clock.

/** A function that spins for about `micros` µs of CPU each call (calibrated over ~50 ms). */
export function spinFor(micros) {
  const spin = (count) => {
    let acc = 0;
    for (let i = 0; i < count; i++) acc = (acc * 31 + i) | 0;
    return acc;
  };
  const CALIBRATION = 5_000_000;
  spin(CALIBRATION); // warm up: the measured run is optimised code
  const before = process.cpuUsage();
  spin(CALIBRATION);
  const used = process.cpuUsage(before);
  const perMicro = CALIBRATION / (used.user + used.system);
  const count = Math.max(1, Math.round(perMicro * micros));
  return () => spin(count);
}
