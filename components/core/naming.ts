/**
 * Physical names of a workflow's children, pure: what makes each name unique per project, stack and workflow path, the
 * AWS rule (length, characters) of each kind of name, and the registry that refuses two children sharing one name.
 * The component (resources/naming.ts) applies these; the rules are checked on the final names, after the hooks.
 */
import { createHash } from "node:crypto";
import { WorkflowDefinitionError } from "./validation/errors";

/** What AWS accepts as the name of each kind of child: the maximum length and the characters allowed. */
export const NAME_RULES = {
  function: { what: "Lambda function", max: 64, allowed: /^[A-Za-z0-9_-]+$/, characters: "letters, digits, '-' and '_'" },
  role: { what: "IAM role", max: 64, allowed: /^[\w+=,.@-]+$/, characters: "letters, digits and +=,.@-_" },
  logGroup: { what: "log group", max: 512, allowed: /^[.\-_/#A-Za-z0-9]+$/, characters: "letters, digits and ._-/#" },
  stateMachine: { what: "state machine", max: 80, allowed: /^[A-Za-z0-9_-]+$/, characters: "letters, digits, '-' and '_'" },
  queue: { what: "SQS queue", max: 80, allowed: /^[A-Za-z0-9_-]+$/, characters: "letters, digits, '-' and '_'" },
  topic: { what: "SNS topic", max: 256, allowed: /^[A-Za-z0-9_-]+$/, characters: "letters, digits, '-' and '_'" },
  rule: { what: "EventBridge rule", max: 64, allowed: /^[.\-_A-Za-z0-9]+$/, characters: "letters, digits and ._-" },
  schedule: { what: "EventBridge Scheduler schedule", max: 64, allowed: /^[.\-_A-Za-z0-9]+$/, characters: "letters, digits and ._-" },
  dashboard: { what: "CloudWatch dashboard", max: 255, allowed: /^[A-Za-z0-9_-]+$/, characters: "letters, digits, '-' and '_'" },
  alarm: { what: "CloudWatch alarm", max: 255, allowed: /^[\x20-\x7e]+$/, characters: "printable ASCII" },
  table: { what: "DynamoDB table", max: 255, allowed: /^[A-Za-z0-9_.-]{3,}$/, characters: "at least 3 of letters, digits and ._-" },
} as const;

/** A kind of named child. */
export type NameKind = keyof typeof NAME_RULES;

/** What a name is made of: handed to a custom {@link NamingStrategy}. */
export interface NameParts {
  kind: NameKind;
  /** `naming.prefix`, as given. @default "" */
  prefix: string;
  /** `pulumi.getProject()`. */
  project: string;
  /** `pulumi.getStack()`. */
  stack: string;
  /** The component's name. */
  workflow: string;
  /** Six hex characters of a hash of the workflow's parent components (types and names); "" at the stack's top level. */
  pathHash: string;
  /** The child's own part: a step name, "execution", "dlq", "alerts"...; "" for the state machine. */
  child: string;
  /** The longest name AWS accepts for this kind, less any fixed head (a log group's "/aws/lambda/"). */
  maxLength: number;
}

/**
 * How the names are built: `"project-stack"` is `<prefix><project>-<stack>-<workflow>[-<pathHash>]-<child>`,
 * `"stack"` leaves the project out (one project per account); a function builds each name itself (it is then only
 * checked, never shortened).
 */
export type NamingStrategy = "project-stack" | "stack" | ((parts: NameParts) => string);

/**
 * The `naming` option: a convention a platform team imposes on every physical name of a workflow.
 *
 * @example
 * naming: { prefix: "payments-" }
 * @example
 * naming: { strategy: (p) => `${p.prefix}${p.stack}-${p.workflow}${p.child ? `-${p.child}` : ""}` }
 */
export interface NamingOptions {
  /** Put at the start of every name (after a log group's fixed head), e.g. the prefix a permissions boundary requires. @default "" */
  prefix?: string;
  /** @default "project-stack" */
  strategy?: NamingStrategy;
}

/** Where a workflow sits: the Pulumi project and stack, its name and its parent components (outermost first). */
export interface WorkflowNameScope {
  project: string;
  stack: string;
  workflow: string;
  /** `type::name` of each parent component, outermost first; empty at the stack's top level. */
  parents: readonly string[];
}

/** `length` hex characters of SHA-256: stable across runs and machines. */
export function shortHash(text: string, length = 6): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** The hash that tells apart two workflows of one name under different parents ("" when there is no parent). */
export function pathHashOf(parents: readonly string[]): string {
  return parents.length === 0 ? "" : shortHash(parents.join("/"));
}

/** Replaces what a kind of name does not accept with '-'. */
function sanitize(kind: NameKind, text: string): string {
  return kind === "alarm" ? text.replace(/[^\x20-\x7e]/g, "-") : text.replace(/[^A-Za-z0-9_-]/g, "-");
}

/**
 * The physical name of one child. The default strategies shorten a name over the kind's limit: project, stack and
 * workflow are cut (the longest first) and followed by a hash of the whole name, so the prefix and the child's own part
 * stay whole and two long names stay apart.
 *
 * @example
 * physicalName({ project: "shop", stack: "dev", workflow: "orders", parents: [] }, {}, "function", "ChargeCard")
 * // "shop-dev-orders-ChargeCard"
 * @example
 * physicalName(scope, {}, "logGroup", "ChargeCard", "/aws/lambda/") // "/aws/lambda/shop-dev-orders/ChargeCard"
 */
export function physicalName(scope: WorkflowNameScope, options: NamingOptions, kind: NameKind, child: string, head = ""): string {
  const prefix = options.prefix ?? "";
  const strategy = options.strategy ?? "project-stack";
  const pathHash = pathHashOf(scope.parents);
  const maxLength = NAME_RULES[kind].max - head.length;
  if (typeof strategy === "function") {
    return (
      head + strategy({ kind, prefix, project: scope.project, stack: scope.stack, workflow: scope.workflow, pathHash, child, maxLength })
    );
  }
  const separator = kind === "logGroup" ? "/" : "-";
  const own = sanitize(kind, child);
  const parts = [...(strategy === "stack" ? [] : [scope.project]), scope.stack, scope.workflow].map((p) => sanitize(kind, p));
  const compose = (kept: string[], hash = "") => {
    const base = sanitize(kind, prefix) + [...kept.map((p) => p.replace(/[-_.]+$/, "")), pathHash, hash].filter(Boolean).join("-");
    return own ? `${base}${separator}${own}` : base;
  };
  const full = compose(parts);
  if (full.length <= maxLength) return head + full;
  // Too long: shorten the longest of project, stack and workflow, a character at a time, until the name fits with a
  // hash of the whole name; each stays recognizable, the prefix (a permissions boundary may require it) and the
  // child's part stay whole, and names that differ only in what was cut stay apart.
  const hash = shortHash(head + full);
  const kept = [...parts];
  while (compose(kept, hash).length > maxLength && kept.some((p) => p.length > 1)) {
    const longest = kept.reduce((best, p, i) => (p.length > kept[best].length ? i : best), 0);
    kept[longest] = kept[longest].slice(0, -1);
  }
  const shortened = compose(kept, hash);
  return head + (shortened.length <= maxLength ? shortened : `${full.slice(0, maxLength - hash.length - 1)}-${hash}`);
}

/** Why AWS would refuse `name` as a `kind` name, or undefined when it would not. */
export function nameProblem(kind: NameKind, name: string): string | undefined {
  const rule = NAME_RULES[kind];
  if (name.length > rule.max) return `is ${name.length} characters long; AWS accepts ${rule.max} for a ${rule.what} name`;
  if (!rule.allowed.test(name)) return `holds characters AWS refuses in a ${rule.what} name: use ${rule.characters} only`;
  return undefined;
}

/**
 * Refuses a final child name AWS would refuse.
 *
 * @throws {@link WorkflowDefinitionError} naming the child, its name and the fix.
 */
export function checkPhysicalName(kind: NameKind, name: string, child: string): void {
  const problem = nameProblem(kind, name);
  if (problem)
    throw new WorkflowDefinitionError([
      {
        step: child,
        message: `its ${NAME_RULES[kind].what} name "${name}" ${problem}: shorten or fix the name the \`naming\` option or the \`transform\` hook gives it.`,
      },
    ]);
}

/** Who holds a name: the workflow (with its parents) and the child's logical name. */
export interface NameOwner {
  workflow: string;
  child: string;
}

/**
 * The physical names claimed in one synthesis, by kind: a second claim of a name by another child is refused,
 * naming both. Keep one registry per program run (the component keeps one per Pulumi engine connection).
 */
export class NameRegistry {
  private readonly claimed = new Map<string, NameOwner>();

  /**
   * Records that `owner` names a `kind` child `name`.
   *
   * @throws {@link WorkflowDefinitionError} when another child already has that name, naming both.
   */
  claim(kind: NameKind, name: string, owner: NameOwner): void {
    const key = `${kind}\u0000${name}`;
    const holder = this.claimed.get(key);
    if (holder === undefined) {
      this.claimed.set(key, owner);
      return;
    }
    throw new WorkflowDefinitionError([
      {
        step: owner.child,
        message: `would have the ${NAME_RULES[kind].what} name "${name}", which ${describe(holder)} already has (${describe(owner)} is the second): AWS keeps one ${NAME_RULES[kind].what} per name. Give one workflow another name, or change the \`naming\` option or the \`transform\` hook that names them alike.`,
      },
    ]);
  }
}

function describe(owner: NameOwner): string {
  return `"${owner.child}" of workflow ${owner.workflow}`;
}
