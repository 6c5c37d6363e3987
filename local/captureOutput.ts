/** Diverting what handlers print (Powertools writes JSON logs and EMF lines to stdout/stderr) into lines. */

/** Diverts stdout and stderr (where Powertools writes) into lines until `stop()`; runs are sequential. */
export function captureOutput(): { stop(): string[] } {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  let buffer = "";
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      buffer += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      (rest.find((r) => typeof r === "function") as (() => void) | undefined)?.();
      return true;
    }) as typeof stream.write;
  }
  return {
    stop() {
      streams.forEach((stream, i) => {
        stream.write = originals[i];
      });
      return buffer.split("\n").filter((line) => line.trim().length > 0);
    },
  };
}
