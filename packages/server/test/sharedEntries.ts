import { createClient } from "redis";
import { expect } from "vitest";

/** How many shared answers are in Redis under `prefix`. */
export async function sharedCount(url: string, prefix: string): Promise<number> {
  const client = createClient({ url });
  await client.connect();
  try {
    return (await client.keys(`${prefix}u:*`)).length;
  } finally {
    await client.quit();
  }
}

/**
 * Waits until at least `count` shared answers are in Redis under `prefix`: an instance shares its
 * answer after answering (best effort, off the request's path), so a second instance that must
 * find it is asked only once it is there.
 */
export async function untilShared(url: string, prefix: string, count = 1): Promise<void> {
  await expect
    .poll(() => sharedCount(url, prefix), { timeout: 5000 })
    .toBeGreaterThanOrEqual(count);
}
