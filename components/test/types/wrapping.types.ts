/**
 * A company's wrapper of the component keeps every step check, proven by `tsc` (type-checked by `npm run typecheck`,
 * never run): the wrapper below is the README's "Wrapping the component" pattern, word for word (a spec compares
 * them; the README imports from the package), and a readonly (`as const`) list is checked like a literal one. A naive wrapper, typed with the plain
 * `EventDrivenWorkflowArgs`, compiles a wrong payload: the README says so. Lines under `@ts-expect-error` must not
 * compile.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  type CheckedWorkflowArgs,
  defineSteps,
  EventDrivenWorkflow,
  type EventDrivenWorkflowArgs,
  eventTrigger,
  notify,
  type Step,
  task,
  type WorkflowTrigger,
} from "../../index";

// wrapper-pattern-start

/** Acme's workflow: Acme's name prefix and permissions boundary, the app's steps checked as by EventDrivenWorkflow. */
export class AcmeWorkflow<const S extends readonly Step[], const T extends WorkflowTrigger> extends pulumi.ComponentResource {
  readonly workflow: EventDrivenWorkflow<S, T>;

  constructor(name: string, args: CheckedWorkflowArgs<S, T>, opts?: pulumi.ComponentResourceOptions) {
    super("acme:index:Workflow", name, {}, opts);
    const boundary = new pulumi.Config("acme").require("permissionsBoundaryArn");
    const appRoleHook = args.transform?.role;
    this.workflow = new EventDrivenWorkflow<S, T>(
      `acme-${name}`,
      {
        ...args,
        transform: {
          ...args.transform,
          // The app's own role hook first, then Acme's boundary, which the app cannot remove.
          role: (roleArgs, roleOpts, roleName) => {
            if (typeof appRoleHook === "function") appRoleHook(roleArgs, roleOpts, roleName);
            else Object.assign(roleArgs, appRoleHook);
            roleArgs.permissionsBoundary = boundary;
          },
        },
      },
      { parent: this },
    );
    this.registerOutputs({ stateMachineArn: this.workflow.stateMachineArn });
  }
}
// wrapper-pattern-end

interface Claim {
  claimId: string;
  amount: number;
}
interface Assessment {
  claimId: string;
  approved: boolean;
}
const assess = async (claim: Claim): Promise<Assessment> => ({ claimId: claim.claimId, approved: claim.amount < 1000 });
const pay = async (assessment: Assessment) => ({ paid: assessment.approved });
const pattern = { source: ["claims.service"], "detail-type": ["Claim Filed"] } as const;

// Through the wrapper, a list that fits compiles...
export const claims = new AcmeWorkflow("claims", {
  trigger: eventTrigger<Claim>()({ pattern }),
  timeoutSeconds: 60,
  steps: [
    task("Assess", { handler: assess, timeoutSeconds: 10, inputPath: "$.detail" }),
    task("Pay", { handler: pay, timeoutSeconds: 10, end: true }),
  ],
});
// ...and a wrong payload is a compile error, as with EventDrivenWorkflow itself.
new AcmeWorkflow("claims-swapped", {
  trigger: { pattern },
  timeoutSeconds: 60,
  steps: [
    task("Pay", { handler: pay, timeoutSeconds: 10 }),
    // @ts-expect-error payload: what "Pay" passes on does not satisfy the input of "Assess"
    task("Assess", { handler: assess, timeoutSeconds: 10, end: true }),
  ],
});
// A wrong reference too.
new AcmeWorkflow("claims-typo", {
  trigger: { pattern },
  timeoutSeconds: 60,
  steps: [
    // @ts-expect-error next: "Pya" names no step of this list
    task("Assess", { handler: assess, timeoutSeconds: 10, next: "Pya" }),
    task("Pay", { handler: pay, timeoutSeconds: 10, end: true }),
  ],
});

// A readonly list (`as const`) is accepted, by the component, the wrapper and defineSteps...
const readonlySteps = [
  task("Assess", { handler: assess, timeoutSeconds: 10 }),
  task("Pay", { handler: pay, timeoutSeconds: 10 }),
  notify("Announce", { end: true }),
] as const;
export const fromReadonly = new EventDrivenWorkflow("readonly", { trigger: { pattern }, timeoutSeconds: 60, steps: readonlySteps });
export const wrappedReadonly = new AcmeWorkflow("readonly", { trigger: { pattern }, timeoutSeconds: 60, steps: readonlySteps });
export const definedReadonly = defineSteps(readonlySteps);
// ...and checked as a literal one: here the trigger's event is not a Claim.
new EventDrivenWorkflow("readonly-wrong", {
  trigger: eventTrigger<{ claimId: number }>()({ pattern }),
  timeoutSeconds: 60,
  // @ts-expect-error payload: the trigger's event does not satisfy the input of "Assess"
  steps: readonlySteps,
});

/** A naive wrapper: its `args` are the plain EventDrivenWorkflowArgs, whose `steps` is any `Step` list. */
class NaiveWorkflow extends pulumi.ComponentResource {
  constructor(name: string, args: EventDrivenWorkflowArgs) {
    super("acme:index:NaiveWorkflow", name);
    new EventDrivenWorkflow(name, args, { parent: this });
  }
}
// Not caught: the same swapped payload compiles through it (its checks are lost; `validateSteps` still runs at
// `pulumi up`, but payloads are types only). Type a wrapper's arguments with CheckedWorkflowArgs, as above.
new NaiveWorkflow("claims-swapped", {
  trigger: { pattern },
  timeoutSeconds: 60,
  steps: [task("Pay", { handler: pay, timeoutSeconds: 10 }), task("Assess", { handler: assess, timeoutSeconds: 10, end: true })],
});
