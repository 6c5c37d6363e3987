/** Deterministic waits for tests: poll for an observable state instead of sleeping a guessed time. */

/** What a probe's truthy value can be. */
type Truthy<T> = Exclude<T, false | 0 | "" | null | undefined>;

/**
 * Resolves with the first truthy value `probe` returns, polling every `intervalMs`; rejects once `timeoutMs` have
 * passed without one, naming `what` (and the last probe error, if the probe threw).
 *
 * @example
 * const [record] = await waitFor("the in-progress record", async () => (await store.records())[0]);
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 5 } = {},
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as Truthy<T>;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last attempt: ${String((lastError as Error)?.message ?? lastError)})` : ""}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
