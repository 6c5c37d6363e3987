/**
 * The library's one model of Amazon States Language, importable on its own as `event-driven-workflow/asl`: the
 * state types the compiler emits, the walker every consumer uses (compiler tests, local runner, graph, policy
 * pack), and the shared integration ARNs and type tokens. Pure: no Pulumi, no I/O.
 *
 * @example
 * import { walkStates, SERVICE_INTEGRATIONS } from "event-driven-workflow/asl";
 * const publishers = [...walkStates(definition)].filter((s) => s.state.Resource === SERVICE_INTEGRATIONS.snsPublish);
 */
export * from "./types";
export * from "./walk";
export * from "./integrations";
export * from "./jsonata";
