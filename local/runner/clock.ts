/**
 * Simulated time for local runs. A run's clock is one of:
 * - `fast` (the default): Retry intervals and Wait durations are skipped (zero); timeouts run in real time;
 * - `real`: everything waits in real time;
 * - `virtual`: the process's timers (`setTimeout`, `setInterval`) and `Date` are moved onto a VIRTUAL CLOCK while the
 *   run is under way. Time then advances only when the process has nothing else to do (no pending `setImmediate`, no
 *   socket, file or DNS request in flight, no hold): it jumps to the next timer and fires it. So every Retry interval,
 *   Wait, task timeout, heartbeat and execution timeout is honoured as AWS would, and a slow answer lands at its
 *   simulated moment, but nobody waits for them: a day of simulated time costs what its code costs.
 *
 * Virtual time passes only while a virtual run is under way: between runs the clock stands still and its pending
 * timers wait for the next one. Code that runs in another process (a Lambda run from its artifact) keeps its own
 * real clock; the runner holds the virtual clock while such an invocation is in flight, so no timer of the run fires
 * before it answers.
 */

/** How a local run treats time (see this module's documentation). */
export type ClockMode = "virtual" | "fast" | "real";

/** The clock modes, for the CLI's checks. */
export const CLOCK_MODES: readonly ClockMode[] = ["virtual", "fast", "real"];

/** Each mode in a few words, for run summaries. */
export const CLOCK_DESCRIPTIONS: Record<ClockMode, string> = {
  fast: "clock fast: retry intervals and waits skipped",
  real: "clock real: retries, waits and timeouts in real time",
  virtual: "clock virtual: every interval, wait, timeout and heartbeat on simulated time",
};

type Callback = (...args: unknown[]) => void;

interface VirtualTimer {
  id: number;
  at: number;
  /** Creation order: timers due at the same moment fire in the order they were set, as Node's do. */
  seq: number;
  callback: Callback;
  args: unknown[];
  /** The delay it was set with (a refresh or an interval starts it again). */
  delayMs: number;
  interval: boolean;
  referenced: boolean;
}

/** Resource types (process.getActiveResourcesInfo) that do not mean "work in flight": servers, pipes, real timers. */
const IDLE_RESOURCES = new Set([
  "Timeout",
  "TTYWrap",
  "PipeWrap",
  "TCPServerWrap",
  "ProcessWrap",
  "SignalWrap",
  "FSEventWrap",
  "StatWatcher",
  "MessagePort",
  "Worker",
]);

const real = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval,
  clearInterval: globalThis.clearInterval,
  setImmediate: globalThis.setImmediate,
  Date: globalThis.Date,
};

/** The handle a virtual `setTimeout` returns: what Node's Timeout offers (ref, unref, refresh, a numeric id). */
class VirtualTimeout {
  constructor(
    private readonly clock: VirtualClock,
    readonly timer: VirtualTimer,
  ) {}
  ref(): this {
    this.timer.referenced = true;
    return this;
  }
  unref(): this {
    this.timer.referenced = false;
    return this;
  }
  hasRef(): boolean {
    return this.timer.referenced;
  }
  refresh(): this {
    this.clock.reschedule(this.timer);
    return this;
  }
  close(): this {
    this.clock.cancel(this.timer.id);
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.timer.id;
  }
}

/**
 * The virtual clock: a queue of timers and a current time. One per process ({@link virtualClock}); installed onto the
 * globals by {@link withVirtualTime}.
 */
export class VirtualClock {
  /** The current virtual time, epoch milliseconds. Starts at the real time of the first virtual run. */
  now = real.Date.now();
  private readonly timers = new Map<number, VirtualTimer>();
  private nextId = 1;
  private nextSeq = 0;
  private installs = 0;
  private holds = 0;
  private pumping = false;
  private restore?: () => void;

  /** Whether the globals are on this clock now. */
  get installed(): boolean {
    return this.installs > 0;
  }

  /** Milliseconds of virtual time that passed during `work` (for reports). */
  async measure<T>(work: () => Promise<T>): Promise<{ value: T; elapsedMs: number }> {
    const started = this.now;
    const value = await work();
    return { value, elapsedMs: this.now - started };
  }

  /**
   * Keeps the clock from advancing until the returned release is called: for work the clock cannot see, such as a
   * Lambda invocation running in a child process.
   */
  hold(): () => void {
    this.holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds -= 1;
      this.pump();
    };
  }

  setTimer(callback: Callback, delayMs: unknown, args: unknown[], interval: boolean): VirtualTimeout {
    if (typeof callback !== "function")
      throw new TypeError(`The "callback" argument must be of type function. Received ${typeof callback}`);
    const ms = Math.max(1, Number.isFinite(Number(delayMs)) ? Math.floor(Number(delayMs)) : 1);
    const timer: VirtualTimer = {
      id: this.nextId++,
      at: this.now + ms,
      seq: this.nextSeq++,
      callback,
      args,
      delayMs: ms,
      interval,
      referenced: true,
    };
    this.timers.set(timer.id, timer);
    this.pump();
    return new VirtualTimeout(this, timer);
  }

  cancel(handle: unknown): void {
    if (handle instanceof VirtualTimeout) this.timers.delete(handle.timer.id);
    else if (typeof handle === "number") this.timers.delete(handle);
  }

  reschedule(timer: VirtualTimer): void {
    timer.at = this.now + timer.delayMs;
    timer.seq = this.nextSeq++;
    this.timers.set(timer.id, timer);
    this.pump();
  }

  /** Puts the process's timers and Date on this clock (nested installs share it); returns the uninstaller. */
  install(): () => void {
    if (this.installs++ === 0) this.swapGlobals();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--this.installs === 0) {
        this.restore?.();
        this.restore = undefined;
      }
    };
  }

  private swapGlobals(): void {
    const saved = { ...real, Date: globalThis.Date };
    const VirtualDate = new Proxy(real.Date, {
      construct: (target, args, newTarget) => Reflect.construct(target, args.length === 0 ? [this.now] : args, newTarget),
      apply: () => new real.Date(this.now).toString(),
      get: (target, property, receiver) => (property === "now" ? () => this.now : Reflect.get(target, property, receiver)),
    });
    const g = globalThis as Record<string, unknown>;
    g.Date = VirtualDate;
    g.setTimeout = (callback: Callback, ms?: unknown, ...args: unknown[]) => this.setTimer(callback, ms, args, false);
    g.setInterval = (callback: Callback, ms?: unknown, ...args: unknown[]) => this.setTimer(callback, ms, args, true);
    // A real timer set before the install may still be cleared during it.
    g.clearTimeout = (handle: unknown) =>
      handle instanceof VirtualTimeout || typeof handle === "number" ? this.cancel(handle) : real.clearTimeout(handle as never);
    g.clearInterval = (handle: unknown) =>
      handle instanceof VirtualTimeout || typeof handle === "number" ? this.cancel(handle) : real.clearInterval(handle as never);
    this.restore = () => Object.assign(g, saved);
    this.pump();
  }

  /** Starts the pump unless it runs: it fires due timers one by one, each once the process is idle. */
  private pump(): void {
    if (this.pumping || !this.installed) return;
    this.pumping = true;
    real.setImmediate(() => this.tick());
  }

  private tick(): void {
    this.pumping = false;
    if (!this.installed || this.holds > 0) return;
    const next = this.earliest();
    if (!next) return; // nothing to wait for: the next setTimeout starts the pump again
    const busy = process.getActiveResourcesInfo().filter((type) => !IDLE_RESOURCES.has(type));
    if (busy.length > 0) {
      this.pumping = true;
      // Another setImmediate comes first; real I/O is polled at a real millisecond, not spun on.
      if (busy.every((type) => type === "Immediate")) real.setImmediate(() => this.tick());
      else real.setTimeout(() => this.tick(), 1);
      return;
    }
    this.now = Math.max(this.now, next.at);
    if (!next.interval) this.timers.delete(next.id);
    else this.reschedule(next);
    try {
      next.callback(...next.args);
    } finally {
      this.pump();
    }
  }

  /** The next timer to fire; unreferenced ones count only while a referenced one is still to come (as in Node). */
  private earliest(): VirtualTimer | undefined {
    let first: VirtualTimer | undefined;
    let anyReferenced = false;
    for (const timer of this.timers.values()) {
      anyReferenced ||= timer.referenced;
      if (!first || timer.at < first.at || (timer.at === first.at && timer.seq < first.seq)) first = timer;
    }
    return anyReferenced ? first : undefined;
  }
}

/** The process's virtual clock. */
export const virtualClock = new VirtualClock();

/**
 * Runs `work` with the process's timers and `Date` on the virtual clock (see this module's documentation); nested
 * and concurrent calls share it, and the globals are restored when the last one ends.
 *
 * @example
 * const result = await withVirtualTime(() => machine.run(event)); // a 210 s Retry wait takes milliseconds
 */
export async function withVirtualTime<T>(work: () => Promise<T>): Promise<T> {
  const uninstall = virtualClock.install();
  try {
    return await work();
  } finally {
    uninstall();
  }
}
