/**
 * The order workflow's worst-case time budget: every path's longest time as AWS counts it (see `timeBudget`), from
 * the same step list that deploys. The stack's config (config.ts) refuses an execution timeout that it does not fit,
 * and `npm run graph` prints it per path. Durations do not depend on the services, so no handler runs here.
 */
import { timeBudget, type TimeBudget } from "event-driven-workflow";
import type { OrderServices } from "../handlers/services";
import { orderSteps, type OrderWorkflowOptions } from "./order";

/** Services that only a handler would call: computing a budget never does. */
const NO_SERVICES = new Proxy({} as OrderServices, {
  get: (_target, key) => {
    throw new Error(`the order workflow's time budget runs no handler, yet something asked for services.${String(key)}`);
  },
});

/**
 * The order workflow's time budget.
 *
 * @example
 * orderTimeBudget().worst.seconds // the execution timeout must be at least this
 */
export function orderTimeBudget(options: OrderWorkflowOptions = {}): TimeBudget {
  return timeBudget(orderSteps(NO_SERVICES, options));
}
