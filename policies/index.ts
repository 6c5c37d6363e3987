// The policy pack's entry: `pulumi preview --policy-pack ./policies`.
// Constructing a PolicyPack starts its gRPC server, so this file does nothing else; the policies live in
// ./policies.ts, where tests import them without starting anything.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("event-driven-workflow", {
  policies,
  enforcementLevel: "advisory",
});
