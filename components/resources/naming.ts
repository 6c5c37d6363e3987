/**
 * The naming of one workflow, the thin shell over core/naming.ts: it reads the project, the stack and the parent
 * components from Pulumi, gives each child its default name, and checks and claims each final name after the child's
 * `transform` hook ran, so names a hook sets are held to the same rules.
 */
import * as pulumi from "@pulumi/pulumi";
import { checkPhysicalName, NameRegistry, type NameKind, type NamingOptions, physicalName, type WorkflowNameScope } from "../core/naming";

/** The root resource Pulumi puts every program's resources under: not a parent that tells workflows apart. */
const STACK_TYPE = "pulumi:pulumi:Stack";

/** The names of one workflow's children. */
export interface WorkflowNames {
  /** How the workflow appears in a collision report: its name and its parent components. */
  owner: string;
  /** A child's default name (before its hook). */
  of(kind: NameKind, child: string, head?: string): string;
}

/** The naming of the workflow `component`, named `name`, from its parents and the `naming` option. */
export function workflowNames(name: string, component: pulumi.Resource, options: NamingOptions = {}): WorkflowNames {
  const parents = parentChain(component);
  const scope: WorkflowNameScope = { project: pulumi.getProject(), stack: pulumi.getStack(), workflow: name, parents };
  return {
    owner: parents.length === 0 ? `"${name}"` : `"${name}" (under ${parents.join(" / ")})`,
    of: (kind, child, head) => physicalName(scope, options, kind, child, head),
  };
}

/**
 * Checks the final name of a child (`args[key]`, after its hook) against AWS's rules and claims it for this program
 * run; returns the constructor's arguments. A name given as an Output is checked and claimed when it resolves.
 *
 * @example
 * new aws.sqs.Queue(...named(ctx.names, "queue", transform(ctx.transforms.queue, `${ctx.name}-dlq`, args, { parent })));
 */
export function named<T extends object>(
  names: WorkflowNames,
  kind: NameKind,
  [logical, args, opts]: [string, T, pulumi.CustomResourceOptions],
  key = "name",
): [string, T, pulumi.CustomResourceOptions] {
  const value = (args as Record<string, unknown>)[key];
  const claim = (name: string) => {
    checkPhysicalName(kind, name, logical);
    registryOfThisRun().claim(kind, name, { workflow: names.owner, child: logical });
    return name;
  };
  if (typeof value === "string") claim(value);
  else if (value !== undefined) (args as Record<string, unknown>)[key] = pulumi.output(value as pulumi.Input<string>).apply(claim);
  return [logical, args, opts];
}

/** `type::name` of each parent component of `resource`, outermost first, the stack left out. */
function parentChain(resource: pulumi.Resource): string[] {
  const chain: string[] = [];
  // Pulumi keeps the parent on the resource (`__parentResource`, set by its constructor); no public API returns it.
  for (let r = parentOf(resource); r !== undefined; r = parentOf(r)) {
    const type = pulumi.resourceType(r);
    if (type === STACK_TYPE) break;
    chain.unshift(`${type}::${pulumi.resourceName(r)}`);
  }
  return chain;
}

function parentOf(resource: pulumi.Resource): pulumi.Resource | undefined {
  return (resource as unknown as { __parentResource?: pulumi.Resource }).__parentResource;
}

/**
 * One registry per Pulumi engine connection and stack: a `pulumi up` has one; each `setMocks` (each test synthesis)
 * starts another, so a process that synthesizes again and again never sees its own earlier names.
 */
const registries = new WeakMap<object, Map<string, NameRegistry>>();
const WITHOUT_ENGINE = {};

function registryOfThisRun(): NameRegistry {
  const engine = (pulumi.runtime.getMonitor() as object | undefined) ?? WITHOUT_ENGINE;
  const byStack = registries.get(engine) ?? new Map<string, NameRegistry>();
  registries.set(engine, byStack);
  const key = `${pulumi.getProject()}/${pulumi.getStack()}`;
  const registry = byStack.get(key) ?? new NameRegistry();
  byStack.set(key, registry);
  return registry;
}
