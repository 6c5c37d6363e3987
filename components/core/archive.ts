/**
 * What a step's Lambda archive may hold and need, decided over the serialized handler's text (pure). The component
 * builds each archive from the serialized handler plus the packages its task lists in `bundle`, nothing else; these
 * checks make sure that archive works in Lambda before anything is deployed: every package the code `require`s is
 * bundled, served by the Powertools layer or provided by the Lambda runtime, and the code stays within a size budget.
 */
import { builtinModules } from "node:module";

/**
 * Packages served by the Powertools Lambda layer, kept out of every function archive. The parser utility is not
 * among them: it `require`s zod, which the layer does not ship, so a step that needs it bundles both.
 */
export const LAYER_PROVIDED_PACKAGES = [
  "@aws-lambda-powertools/commons",
  "@aws-lambda-powertools/logger",
  "@aws-lambda-powertools/metrics",
  "@aws-lambda-powertools/tracer",
  "@aws-lambda-powertools/idempotency",
  "@aws-lambda-powertools/jmespath",
  "@aws-lambda-powertools/parameters",
  "aws-xray-sdk-core",
];

/** The AWS SDK v3, which the Lambda Node.js runtime ships: every `@aws-sdk/*` package. */
export const LAMBDA_RUNTIME_SCOPE = "@aws-sdk/";

/** The size budget of a step's serialized handler (`__index.js`) unless the workflow sets another. @default 1 MiB */
export const DEFAULT_HANDLER_SIZE_BUDGET_BYTES = 1024 * 1024;

/**
 * The npm package a module specifier names, or undefined for a Node built-in or a relative path.
 *
 * @example
 * packageNameOf("@aws-lambda-powertools/parser/envelopes/eventbridge") // "@aws-lambda-powertools/parser"
 * packageNameOf("node:crypto") // undefined
 */
export function packageNameOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || isBuiltin(specifier)) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

const isBuiltin = (specifier: string) => specifier.startsWith("node:") || builtinModules.includes(specifier.split("/")[0]);

/** The packages serialized code loads with `require("...")` or `import("...")`, sorted, without Node built-ins. */
export function requiredPackages(source: string): string[] {
  const names = new Set<string>();
  for (const match of source.matchAll(/\b(?:require|import)\(\s*(["'`])([^"'`]+)\1\s*\)/g)) {
    const name = packageNameOf(match[2]);
    if (name) names.add(name);
  }
  return [...names].sort();
}

/**
 * The packages of `required` that Lambda would not find: neither bundled (the package or one it depends on), nor in
 * the Powertools layer, nor in the runtime's AWS SDK.
 *
 * @example
 * unavailablePackages(["uuid", "@aws-sdk/client-s3"], ["zod"]) // ["uuid"]
 */
export function unavailablePackages(required: readonly string[], bundled: readonly string[]): string[] {
  const available = new Set([...bundled, ...LAYER_PROVIDED_PACKAGES]);
  return required.filter((name) => !available.has(name) && !name.startsWith(LAMBDA_RUNTIME_SCOPE));
}

/** A value the serialized code carries, with the bytes it takes. */
export interface CapturedValueSize {
  /** The name the handler's source uses for it (or Pulumi's name for it when the source name is not known). */
  name: string;
  bytes: number;
}

/**
 * The captured values that take the most room in serialized code, largest first. Pulumi writes each captured value
 * as top-level `var __name = ...` statements (and `__name[i] = ...` for its parts) and binds it to the source's name
 * in a `with({ name: __name })`; this sums each value's statements.
 */
export function largestCapturedValues(source: string, limit = 3): CapturedValueSize[] {
  const sourceNames = new Map<string, string>();
  for (const binding of source.matchAll(/with\(\{([^}]*)\}\)/g)) {
    for (const pair of binding[1].matchAll(/([\w$]+): (__[\w$]+)/g)) if (!sourceNames.has(pair[2])) sourceNames.set(pair[2], pair[1]);
  }
  const sizes = new Map<string, number>();
  for (const statement of source.split(/\n(?=var __|__[\w$]+[[.]|function __|const )/)) {
    const declared = /^(?:var )?(__[\w$]+?)(?:_\d+)*(?:\s*=|\[|\.)/.exec(statement);
    if (!declared || statement.startsWith("function ")) continue;
    sizes.set(declared[1], (sizes.get(declared[1]) ?? 0) + Buffer.byteLength(statement));
  }
  return [...sizes]
    .map(([name, bytes]) => ({ name: sourceNames.get(name) ?? name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, limit);
}

/**
 * The captured variable Pulumi's serialization error blames: its message walks from the step wrapper down to the
 * value it cannot serialize ("variable 'db' which indirectly referenced ..."); the last variable of that walk is the
 * one closest to the value.
 */
export function capturedVariableOf(serializationMessage: string): string | undefined {
  return [...serializationMessage.matchAll(/(?:variable|module) '([^']+)'/g)].pop()?.[1];
}
