/**
 * CPU time of the processes a bench waits for (a child's CPU is not in `process.cpuUsage()`): what a run costs when the
 * machine is shared, where its wall time moves with the load.
 */
import { existsSync, readFileSync } from "node:fs";

/**
 * The CPU seconds of this process's waited-for children so far, their own children included (Linux: cutime + cstime
 * of /proc/self/stat, in clock ticks of 1/100 s); undefined elsewhere.
 */
export function childrenCpuSeconds(): number | undefined {
  if (!existsSync("/proc/self/stat")) return undefined;
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return (Number(fields[13]) + Number(fields[14])) / 100;
}
