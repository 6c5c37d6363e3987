/**
 * A policy pack served the way the Pulumi CLI serves it: Pulumi's own run-policy-pack started with "." in the pack's
 * folder (what `pulumi preview --policy-pack <folder>` runs), and an analyzer gRPC client to talk to it, with request
 * builders for resources and stacks. Used for the pack in this repository and for the pack installed in a consumer.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname } from "node:path";
import type { ResourceRecord } from "./policyHarness";

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */
const protoDir = dirname(require.resolve("@pulumi/pulumi/proto/analyzer_grpc_pb"));
const fromProto = (id: string): any => require(require.resolve(id, { paths: [protoDir] }));
const grpc = fromProto("@grpc/grpc-js");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
export const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
export const structPb = fromProto("google-protobuf/google/protobuf/struct_pb");
export const emptyPb = fromProto("google-protobuf/google/protobuf/empty_pb");

/** analyzer.proto's EnforcementLevel values, in order. */
export const LEVELS = ["advisory", "mandatory", "disabled", "remediate"];

export function call<T>(client: any, method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) =>
    client[method](request, (error: Error | null, response: T) => (error ? reject(error) : resolve(response))),
  );
}

function options(): any {
  const o = new analyzerPb.AnalyzerResourceOptions();
  o.setCustomtimeouts(new analyzerPb.AnalyzerResourceOptions.CustomTimeouts());
  return o;
}

export function analyzeRequest(r: ResourceRecord): any {
  const req = new analyzerPb.AnalyzeRequest();
  req.setType(r.type);
  req.setName(r.name!);
  req.setUrn(r.urn!);
  req.setProperties(structPb.Struct.fromJavaScript(JSON.parse(JSON.stringify(r.props))));
  req.setOptions(options());
  return req;
}

export function analyzeStackRequest(records: readonly ResourceRecord[]): any {
  const req = new analyzerPb.AnalyzeStackRequest();
  req.setResourcesList(
    records.map((r) => {
      const res = new analyzerPb.AnalyzerResource();
      res.setType(r.type);
      res.setName(r.name!);
      res.setUrn(r.urn!);
      res.setProperties(structPb.Struct.fromJavaScript(JSON.parse(JSON.stringify(r.props))));
      res.setOptions(options());
      return res;
    }),
  );
  return req;
}

/** A diagnostic as the server sends it. */
export interface WireDiagnostic {
  policy: string;
  level: string;
  message: string;
  urn: string;
}

export const diagnosticsOf = (response: any): WireDiagnostic[] =>
  response.getDiagnosticsList().map((d: any) => ({
    policy: d.getPolicyname(),
    level: LEVELS[d.getEnforcementlevel()],
    message: d.getMessage(),
    urn: d.getUrn(),
  }));

/** A running pack and a client connected to it. */
export interface PolicyPackServer {
  client: any;
  close(): void;
}

/**
 * Starts the pack in `folder` as the CLI does: `node <run-policy-pack resolved from the folder> <engine> .` with the
 * folder as working directory; resolves once it prints its port.
 */
export async function startPolicyPack(folder: string): Promise<PolicyPackServer> {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("TS_NODE_")) delete env[key];
  const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [folder] });
  const child: ChildProcess = spawn(process.execPath, [runner, "127.0.0.1:0", "."], {
    cwd: folder,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on("exit", (code) => reject(new Error(`the policy pack exited with ${code} before serving:\n${stderr}`)));
  });
  const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    client,
    close() {
      client.close();
      if (child.exitCode === null) child.kill();
    },
  };
}
