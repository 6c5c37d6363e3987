/**
 * A consumer program as a user gets one: the three packages (library, local tool, policy pack) packed with `npm pack`, the tarballs installed with a real
 * `npm install` into a scratch Pulumi program (test/fixtures/consumer: a claims workflow with its own dependencies,
 * events and tests; or test/fixtures/modules-consumer: one program per module system on TypeScript 6) outside the
 * repository. Nothing is symlinked into the repository; the registry packages come
 * from npm's cache when it has them (`--prefer-offline`), which `npm ci` filled.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REPO_ROOT = join(__dirname, "..", "..");
const FIXTURES = join(REPO_ROOT, "test", "fixtures");

/** A packed package: its tarball and the files npm put in it. */
export interface PackedPackage {
  name: string;
  tarball: string;
  files: string[];
}

/** A scratch consumer project, installed. */
export interface ConsumerProject {
  folder: string;
  packages: Record<string, PackedPackage>;
  installSeconds: number;
  remove(): void;
}

const npmEnvironment = () => ({
  ...process.env,
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
  NODE_OPTIONS: "",
});

/** Packs the workspace packages (their `prepack` builds them) into `destination`. */
function packWorkspaces(destination: string): Record<string, PackedPackage> {
  const stdout = execFileSync(
    "npm",
    [
      "pack",
      "--json",
      "--pack-destination",
      destination,
      "-w",
      "event-driven-workflow",
      "-w",
      "event-driven-workflow-local",
      "-w",
      "event-driven-workflow-policies",
    ],
    {
      cwd: REPO_ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: npmEnvironment(),
    },
  );
  const reports = JSON.parse(stdout.slice(stdout.indexOf("[\n"))) as { name: string; filename: string; files: { path: string }[] }[];
  return Object.fromEntries(
    reports.map((r) => [r.name, { name: r.name, tarball: join(destination, r.filename), files: r.files.map((f) => f.path).sort() }]),
  );
}

/** The version the repository's lockfile installs of `name`, so that the scratch install finds it in npm's cache. */
function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (!version) throw new Error(`${name} is not in package-lock.json: the consumer fixture cannot be installed from npm's cache`);
  return version;
}

/**
 * Packs the packages, lays out a fixture (a folder of test/fixtures with a `package.json.template`) in a temporary
 * folder and runs `npm install` there. `__NAME__` placeholders in the template become the lockfile's versions.
 */
export function installConsumer({ fixture = "consumer", name = "claims" }: { fixture?: string; name?: string } = {}): ConsumerProject {
  const folder = mkdtempSync(join(tmpdir(), "edw-consumer-"));
  const packages = packWorkspaces(folder);
  const project = join(folder, name);
  cpSync(join(FIXTURES, fixture), project, { recursive: true });
  const template = readFileSync(join(project, "package.json.template"), "utf8");
  rmSync(join(project, "package.json.template"));
  const manifest = template
    .replace("__LIBRARY_TARBALL__", packages["event-driven-workflow"].tarball)
    .replace("__LOCAL_TARBALL__", packages["event-driven-workflow-local"].tarball)
    .replace("__POLICIES_TARBALL__", packages["event-driven-workflow-policies"].tarball)
    .replace(/"([^"]+)": "__[A-Z_]+__"/g, (_, name: string) => `"${name}": "${lockedVersion(name)}"`);
  writeFileSync(join(project, "package.json"), manifest);
  const started = Date.now();
  execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], {
    cwd: project,
    stdio: ["ignore", "pipe", "pipe"],
    env: npmEnvironment(),
  });
  return {
    folder: project,
    packages,
    installSeconds: (Date.now() - started) / 1000,
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}

/**
 * Runs a command of the consumer's own (node_modules/.bin first) in its folder or a sub-folder `cwd`, returning its
 * exit status and output.
 */
export function runInConsumer(
  project: ConsumerProject,
  command: string,
  args: string[],
  cwd = ".",
): { status: number | null; stdout: string; stderr: string; seconds: number } {
  const started = Date.now();
  const run = spawnSync(command, args, {
    cwd: join(project.folder, cwd),
    encoding: "utf8",
    env: { ...npmEnvironment(), PATH: `${join(project.folder, "node_modules", ".bin")}:${process.env.PATH}` },
    timeout: 300_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, seconds: (Date.now() - started) / 1000 };
}
