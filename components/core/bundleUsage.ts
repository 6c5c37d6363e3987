/**
 * Which exports of each package a serialized handler reaches (pure, over its text): what a tree-shaken bundle of the
 * package must keep. Serialized code reaches a package as `require("pkg").name` (an export the handler captured), or
 * through a variable bound to `require("pkg")` whose every use reads a named property (`pkg_1.addSeconds`). Any other
 * use (the module passed around, indexed, a dynamic `import()`) needs the whole module.
 */
import { packageNameOf } from "./archive";

/** The names a handler reads of one module specifier, or `"whole"` when it may read any. */
export type ModuleUsage = Set<string> | "whole";

const IDENTIFIER = "[A-Za-z_$][\\w$]*";
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The module specifiers of npm packages that `source` loads (Node built-ins left out), each with the names it reads.
 *
 * @example
 * moduleUsage('const d = require("date-fns");\nf = (0, d.addSeconds)(x, 1);').get("date-fns") // Set { "addSeconds" }
 * moduleUsage('g = require("date-fns").format;').get("date-fns")                            // Set { "format" }
 * moduleUsage('h = () => import("date-fns");').get("date-fns")                              // "whole"
 */
export function moduleUsage(source: string): Map<string, ModuleUsage> {
  const usage = new Map<string, ModuleUsage>();
  const add = (specifier: string, name: string | "whole") => {
    const current = usage.get(specifier);
    if (name === "whole" || current === "whole") usage.set(specifier, "whole");
    else usage.set(specifier, new Set([...(current ?? []), name]));
  };
  const load = new RegExp(`\\b(require|import)\\(\\s*(["'\`])([^"'\`]+)\\2\\s*\\)(\\s*\\.\\s*(${IDENTIFIER}))?`, "g");
  for (const match of source.matchAll(load)) {
    const [, how, , specifier, , property] = match;
    if (!packageNameOf(specifier)) continue;
    if (how === "import") add(specifier, "whole");
    else if (property) add(specifier, property);
    else {
      const bound = boundName(source, match.index!);
      const names = bound ? namesRead(source, bound) : [];
      // Bound to nothing it reads a property of (or held in an object): it may read any.
      for (const name of names.length > 0 ? names : ["whole"]) add(specifier, name);
    }
  }
  return usage;
}

/** The variable a `require(...)` at `at` initializes (`const x = require(...)`, or `x: require(...)` in a `with` binding). */
function boundName(source: string, at: number): string | undefined {
  const before = source.slice(Math.max(0, at - 200), at);
  const declared = new RegExp(`\\b(?:const|let|var)\\s+(${IDENTIFIER})\\s*=\\s*$`).exec(before)?.[1];
  return declared ?? new RegExp(`with\\(\\{(?:[^{}()]*,)?\\s*(${IDENTIFIER})\\s*:\\s*$`).exec(before)?.[1];
}

/**
 * The properties read of the variable `name` (and of the names a `with({ alias: name })` binds it to): `["whole"]`
 * when one use is not a named property read.
 */
function namesRead(source: string, name: string): (string | "whole")[] {
  const names: (string | "whole")[] = [];
  const aliases = [name];
  for (const binding of source.matchAll(new RegExp(`[{,]\\s*(${IDENTIFIER})\\s*:\\s*${escapeRegExp(name)}\\b(?!\\s*\\.)`, "g"))) {
    if (!aliases.includes(binding[1])) aliases.push(binding[1]);
  }
  for (const alias of aliases) {
    const use = new RegExp(`(?<![\\w$.])${escapeRegExp(alias)}(?![\\w$])(\\s*\\.\\s*(${IDENTIFIER}))?`, "g");
    for (const match of source.matchAll(use)) {
      if (match[2]) names.push(match[2]);
      else if (!isDeclarationOrBinding(source, match.index!, alias)) return ["whole"];
    }
  }
  return names;
}

/** Whether the occurrence of `name` at `at` declares it or binds it (`const name =`, `name: value`, `x: name` in a `with`). */
function isDeclarationOrBinding(source: string, at: number, name: string): boolean {
  const after = source.slice(at + name.length, at + name.length + 3);
  const before = source.slice(Math.max(0, at - 80), at);
  return (
    /^\s*[:=](?!=)/.test(after) ||
    /\b(?:const|let|var)\s+$/.test(before) ||
    (/[{,]\s*[\w$]+\s*:\s*$/.test(before) && /^\s*[,}]/.test(after))
  );
}
