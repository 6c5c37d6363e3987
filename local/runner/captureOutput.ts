/** Diverting what handlers print (Powertools writes JSON logs and EMF lines to stdout/stderr) into lines. */

/**
 * Puts `take` in front of stdout's and stderr's own `write` until the returned call: `take` gets each write's text
 * and its stream (0 stdout, 1 stderr) and returns whether it took it; what it does not take is written as usual.
 */
export function divertOutput(take: (text: string, stream: 0 | 1) => boolean): () => void {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, i) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (!take(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"), i as 0 | 1))
        return originals[i].call(stream, chunk, ...(rest as []));
      (rest.find((r) => typeof r === "function") as (() => void) | undefined)?.();
      return true;
    }) as typeof stream.write;
  });
  return () =>
    streams.forEach((stream, i) => {
      stream.write = originals[i];
    });
}

/** Diverts stdout and stderr (where Powertools writes) into lines until `stop()`; runs are sequential. */
export function captureOutput(): { stop(): string[] } {
  let buffer = "";
  const restore = divertOutput((text) => {
    buffer += text;
    return true;
  });
  return {
    stop() {
      restore();
      return buffer.split("\n").filter((line) => line.trim().length > 0);
    },
  };
}

/** Discards what is written to stdout and stderr until the returned call (a benchmark's thousands of lines a second). */
export function discardOutput(): () => void {
  return divertOutput(() => true);
}
