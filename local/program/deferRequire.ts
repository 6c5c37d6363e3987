/**
 * Deferred loading of packages that a package we load requires eagerly but a local run may never use: the package
 * requiring them gets a stand-in, and the real package loads at the first use of that stand-in. For example
 * `@pulumi/pulumi` loads TypeScript and `@npmcli/arborist` (about 0.8 s of CPU together) for closure serialization,
 * which a run from the source served by the synthesis cache never does; aws-local-stepfunctions loads the ASL
 * validator and the AWS Lambda client, unused when the definition was validated already and every task runs locally.
 *
 * Only requests made from inside the named package's own folder get a stand-in, and only for packages that resolve
 * from there: every other module (the user's program included) gets the real package, and a package that is not
 * installed fails where it would have.
 */
import Module from "node:module";
import { dirname, sep } from "node:path";

/** How the requiring package uses the module: as an object of exports, or as one function (its `module.exports`). */
export type ExportsShape = "object" | "function";

interface Deferral {
  /** The folder of the requiring package (with a trailing separator). */
  folder: string;
  /** Request -> the shape its exports have. */
  requests: Map<string, ExportsShape>;
}

type Load = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;

// Kept on the process, not the module: the library may be loaded twice (its build and a program's copy).
const state = ((globalThis as Record<symbol, unknown>)[Symbol.for("event-driven-workflow-local.deferRequire")] ??= {
  deferrals: [],
}) as { deferrals: Deferral[]; original?: Load };

/**
 * Gives the package whose entry `from` resolves to (from `paths`) stand-ins for `requests`, until the process ends.
 * A package already loaded in this process gets nothing (it holds the real modules already). Returns whether the
 * stand-ins were installed.
 *
 * @example deferRequires("@pulumi/pulumi", { typescript: "object" }, [programFolder])
 */
export function deferRequires(from: string, requests: Record<string, ExportsShape>, paths: string[]): boolean {
  let entry: string;
  try {
    entry = require.resolve(from, { paths });
  } catch {
    return false;
  }
  if (require.cache[entry]) return false;
  const folder = packageFolder(entry, from);
  if (state.deferrals.some((d) => d.folder === folder)) return true;
  const installed = new Map<string, ExportsShape>();
  for (const [request, shape] of Object.entries(requests)) {
    try {
      require.resolve(request, { paths: [folder] });
      installed.set(request, shape);
    } catch {
      // Not installed: the package's own require fails (or falls back) as it would have.
    }
  }
  state.deferrals.push({ folder, requests: installed });
  installHook();
  return true;
}

/** `…/node_modules/<from>/` of an entry file inside it. */
function packageFolder(entry: string, from: string): string {
  const marker = `${sep}node_modules${sep}${from.split("/").join(sep)}${sep}`;
  const at = entry.lastIndexOf(marker);
  return at >= 0 ? entry.slice(0, at + marker.length) : `${dirname(entry)}${sep}`;
}

function installHook(): void {
  if (state.original) return;
  const loader = Module as unknown as { _load: Load };
  const original = loader._load;
  state.original = original;
  loader._load = function (this: unknown, request, parent, isMain) {
    const filename = parent?.filename;
    const deferral = filename ? state.deferrals.find((d) => filename.startsWith(d.folder)) : undefined;
    const shape = deferral?.requests.get(request);
    if (!shape) return original.call(this, request, parent, isMain);
    return standIn(shape, () => original.call(this, request, parent, false));
  } as Load;
}

/**
 * A module's stand-in: every use (a property read, a call, `in`, listing its keys) loads the real module first and
 * acts on it. Both interop helpers TypeScript emits see what they would see on the real module: `__esModule` reads
 * true, so `__importStar` keeps the stand-in as is, and `default` reads as `__importDefault` would give it.
 */
function standIn(shape: ExportsShape, load: () => unknown): unknown {
  let real: Record<PropertyKey, unknown> | undefined;
  const loaded = () => (real ??= load() as Record<PropertyKey, unknown>);
  if (shape === "function") {
    // A function's own keys are those of any function (length, name, prototype): the bundlers' `__toESM` copies them
    // without calling anything, and the call loads the real one.
    return function deferred(this: unknown, ...args: unknown[]) {
      return (loaded() as unknown as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
  return new Proxy(
    {},
    {
      get(_target, key) {
        if (key === "__esModule") return true;
        const module = loaded();
        if (key === "default") return module.__esModule ? module.default : module;
        return module[key];
      },
      has: (_target, key) => key in loaded(),
      ownKeys: () => Reflect.ownKeys(loaded()),
      getOwnPropertyDescriptor(_target, key) {
        const descriptor = Reflect.getOwnPropertyDescriptor(loaded(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
}
