/**
 * Each Lambda function's archive of a synthesized program, written out as it would deploy (what `cdk synth` and
 * `sls package` show): the unzipped files, the zip, and a manifest per function saying what it holds (files and
 * sizes, bundled packages and their versions), how it runs (handler, layers) and which modules the Lambda runtime or
 * the layer must provide.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { zipSync } from "fflate";
import { LAMBDA_FUNCTION_TYPE } from "event-driven-workflow/asl";
import { packageNameOf } from "event-driven-workflow/core";
import { materializeArchive } from "../lambda/artifact";
import type { Synthesis } from "../program/synthesize";

/** One function's archive, as written. */
export interface PackagedFunction {
  /** The Function resource's logical name; its folder and zip are named after it. */
  function: string;
  handler: string;
  runtime?: string;
  /** Layer ARNs (resolved under mocks: the stack's region and account are the mocks'). */
  layers: string[];
  /** Every file, with its size in bytes. */
  files: { path: string; bytes: number }[];
  unzippedBytes: number;
  zippedBytes: number;
  /** The packages inside `node_modules/`, with their versions. */
  packages: { name: string; version: string }[];
  /** Modules the code requires that the archive does not hold: the Lambda runtime's (AWS SDK v3) or the layer's. */
  externalRequires: string[];
  /** The unzipped folder and the zip, relative to the output folder. */
  folder: string;
  zip: string;
}

/** Writes `<out>/<function>/` and `<out>/<function>.zip` for each function of `synthesis`, and `<out>/manifest.json`. */
export async function writeFunctionArchives(synthesis: Synthesis, out: string): Promise<PackagedFunction[]> {
  mkdirSync(out, { recursive: true });
  const staging = mkdtempSync(join(tmpdir(), "edw-package-"));
  const packaged: PackagedFunction[] = [];
  try {
    for (const resource of synthesis.resources.filter((r) => r.type === LAMBDA_FUNCTION_TYPE)) {
      const inputs = resource.inputs as {
        code?: { assets?: Promise<Record<string, unknown>> };
        handler?: string;
        runtime?: string;
        layers?: string[];
      };
      const assets = await inputs.code?.assets;
      if (!assets) continue;
      const folder = join(out, resource.name);
      rmSync(folder, { recursive: true, force: true });
      cpSync(await materializeArchive(assets, staging), folder, { recursive: true, dereference: true });
      const files = listFiles(folder);
      const zip = zipSync(Object.fromEntries(files.map((f) => [f.path, readFileSync(join(folder, f.path))])), { level: 9 });
      writeFileSync(`${folder}.zip`, zip);
      packaged.push({
        function: resource.name,
        handler: inputs.handler ?? "",
        runtime: inputs.runtime,
        layers: inputs.layers ?? [],
        files,
        unzippedBytes: files.reduce((sum, f) => sum + f.bytes, 0),
        zippedBytes: zip.byteLength,
        packages: packagesIn(folder, files),
        externalRequires: externalRequires(folder, files),
        folder: resource.name,
        zip: `${resource.name}.zip`,
      });
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  writeFileSync(
    join(out, "manifest.json"),
    `${JSON.stringify({ program: synthesis.project, stack: synthesis.stack, functions: packaged }, null, 2)}\n`,
  );
  return packaged;
}

function listFiles(folder: string): { path: string; bytes: number }[] {
  const files: { path: string; bytes: number }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push({ path: relative(folder, path).split(sep).join("/"), bytes: statSync(path).size });
    }
  };
  walk(folder);
  return files;
}

/** The packages an archive holds: each `node_modules/<name>/package.json` (nested ones included). */
function packagesIn(folder: string, files: { path: string }[]): { name: string; version: string }[] {
  return files
    .filter((f) => /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@]+\/package\.json$/.test(f.path))
    .map((f) => JSON.parse(readFileSync(join(folder, f.path), "utf8")) as { name?: string; version?: string })
    .filter((m) => m.name)
    .map((m) => ({ name: m.name!, version: m.version ?? "" }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The packages the archive's JavaScript requires or imports that it does not hold (Node's own modules left out). */
function externalRequires(folder: string, files: { path: string }[]): string[] {
  const held = new Set(packagesIn(folder, files).map((p) => p.name));
  const required = new Set<string>();
  for (const file of files.filter((f) => /\.[cm]?js$/.test(f.path))) {
    for (const match of readFileSync(join(folder, file.path), "utf8").matchAll(/\b(?:require|import)\(\s*(["'`])([^"'`]+)\1\s*\)/g)) {
      const name = packageNameOf(match[2]);
      if (name && !held.has(name)) required.add(name);
    }
  }
  return [...required].sort();
}
