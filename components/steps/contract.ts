/**
 * Event contracts between stacks: the source, detail-type and payload type of an event one workflow publishes and
 * another stack subscribes to. A contract is declared once (in a package both programs import), the publisher's
 * `publishEvent` names it (its state must satisfy the payload), and the subscriber's trigger is built from it
 * (its first step receives the payload), so a renamed field breaks both programs at compile time.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { EventPatternFields } from "../args";
import type { TypedDetail } from "./typing";

/** The key of a contract's payload type. Declared only: no contract carries it at run time. */
export declare const contractPayload: unique symbol;

/**
 * An event published by one workflow and subscribed to by others: its `source`, `detail-type` and the type of its
 * `detail` (`Payload`, compile time only). Plain data at run time: `{ source, detailType }`.
 */
export interface EventContract<Source extends string = string, DetailType extends string = string, Payload = unknown> {
  readonly source: Source;
  readonly detailType: DetailType;
  readonly [contractPayload]?: Payload;
}

/** The payload type of a contract. */
export type ContractPayload<C> = C extends EventContract<string, string, infer Payload> ? Payload : never;

/**
 * Declares an event contract, e.g. in a package shared by the publishing and the subscribing programs. Called twice,
 * `eventContract<Payload>()({ source, detailType })`, because TypeScript cannot take `Payload` explicitly and infer the
 * literal source and detail-type at once.
 *
 * @example
 * export interface OrderCompleted { orderId: string; total: number }
 * export const orderCompleted = eventContract<OrderCompleted>()({ source: "shop.orders", detailType: "Order Completed" });
 */
export function eventContract<Payload>(): <const Source extends string, const DetailType extends string>(event: {
  source: Source;
  detailType: DetailType;
}) => EventContract<Source, DetailType, Payload> {
  return (event) => ({ source: event.source, detailType: event.detailType });
}

/** Options of {@link triggerFromContract}. */
export interface ContractTriggerOptions {
  /**
   * The bus the publisher puts the event on: typically its stack's `triggerBusName` or a `publishedEvents` entry,
   * read through a StackReference (`ref.getOutput("busName")`).
   * @default "default"
   */
  busName?: pulumi.Input<string>;
  /** More of the pattern, under `detail` (e.g. only large orders). @default none: every event of the contract */
  detail?: EventPatternFields;
}

/** The trigger {@link triggerFromContract} builds: its literal pattern and the contract's payload as `detail`. */
export type ContractTrigger<Source extends string, DetailType extends string, Payload> = {
  pattern: { source: readonly [Source]; "detail-type": readonly [DetailType]; detail?: EventPatternFields };
  eventBusName?: pulumi.Input<string>;
} & TypedDetail<Payload>;

/**
 * The trigger of a workflow that subscribes to another stack's event: a rule on the contract's source and detail-type,
 * on the publisher's bus. The first step's input is then checked against `EventBridgeEvent<DetailType, Payload>`.
 *
 * @example
 * const app = new pulumi.StackReference("acme/shop/dev");
 * new EventDrivenWorkflow("order-analytics", {
 *   trigger: triggerFromContract(orderCompleted, { busName: app.getOutput("busName") }),
 *   timeoutSeconds: 60,
 *   steps: [task("Record", { handler: async (event: EventBridgeEvent<"Order Completed", OrderCompleted>) => ..., timeoutSeconds: 10 })],
 * });
 */
export function triggerFromContract<Source extends string, DetailType extends string, Payload>(
  contract: EventContract<Source, DetailType, Payload>,
  options: ContractTriggerOptions = {},
): ContractTrigger<Source, DetailType, Payload> {
  return {
    pattern: {
      source: [contract.source],
      "detail-type": [contract.detailType],
      ...(options.detail ? { detail: options.detail } : {}),
    },
    ...(options.busName !== undefined ? { eventBusName: options.busName } : {}),
  };
}
