/**
 * The order-processing domain: the step handlers of the order workflow, their data types, the service
 * interfaces they call and the sandbox (test mode) implementation of those services.
 */
export * from "./errors";
export * from "./order";
export * from "./services";
export * from "./sandbox";
export * from "./sandboxTables";
export * from "./metricsCatalogue";
export { correlateOrder, emitOrderMetric, traceGateway } from "./observability";
export { ORDER_LIMITS, parseOrderPlaced } from "./orderSchema";
export { validateOrder, DEFAULT_CURRENCY } from "./validateOrder";
export { chargeCard } from "./chargeCard";
export { fulfillOrder } from "./fulfillOrder";
export { sendConfirmationEmail } from "./sendConfirmationEmail";
export { markOrderComplete } from "./markOrderComplete";
export { refundPayment } from "./refundPayment";
export { reconcilePayment, RECONCILE_POLL_MS, RECONCILE_POLL_WINDOW_MS } from "./reconcilePayment";
