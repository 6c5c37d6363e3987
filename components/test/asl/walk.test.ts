/** The library's one ASL walker (components/asl): paths at depth, Map and Parallel scopes, untrusted input. */
import assert from "node:assert/strict";
import {
  allScopes,
  childScopes,
  messageServiceOf,
  normalTransitions,
  parseIntegrationArn,
  serviceIntegrationOf,
  stateMap,
  statesOf,
  taskStates,
  walkStates,
} from "../../asl";
import { STEP_HANDLER_ENTRY } from "../../stepArchive";

const task = (next?: string) => ({
  Type: "Task",
  Resource: "arn:aws:lambda:us-east-1:123456789012:function:f",
  ...(next ? { Next: next } : { End: true }),
});

describe("asl: walkStates", () => {
  const definition = {
    StartAt: "P",
    States: {
      P: {
        Type: "Parallel",
        Next: "Done",
        Branches: [
          { StartAt: "A", States: { A: task() } },
          {
            StartAt: "M",
            States: {
              M: {
                Type: "Map",
                End: true,
                ItemsPath: "$.items",
                ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, StartAt: "Deep", States: { Deep: task() } },
              },
            },
          },
        ],
      },
      Legacy: { Type: "Map", End: true, Iterator: { StartAt: "Old", States: { Old: { Type: "Pass", End: true } } } },
      Done: { Type: "Succeed" },
    },
  };

  it("yields every state at any depth with its path, depth-first in declaration order", () => {
    assert.deepEqual(
      [...walkStates(definition)].map((s) => s.path),
      [
        "States.P",
        "States.P.Branches[0].States.A",
        "States.P.Branches[1].States.M",
        "States.P.Branches[1].States.M.ItemProcessor.States.Deep",
        "States.Legacy",
        "States.Legacy.Iterator.States.Old",
        "States.Done",
      ],
    );
  });

  it("gives each state its scope, and each nested scope its owner", () => {
    const deep = [...walkStates(definition)].find((s) => s.name === "Deep")!;
    assert.equal(deep.type, "Task");
    assert.equal(deep.scope.path, "States.P.Branches[1].States.M.ItemProcessor");
    assert.equal(deep.scope.startAt, "Deep");
    assert.equal(deep.scope.owner?.name, "M");
    assert.equal(deep.scope.owner?.scope.owner?.name, "P");
    assert.equal(deep.scope.owner?.scope.owner?.scope.owner, undefined);
    assert.deepEqual(
      allScopes(definition).map((s) => s.path),
      ["", "States.P.Branches[0]", "States.P.Branches[1]", "States.P.Branches[1].States.M.ItemProcessor", "States.Legacy.Iterator"],
    );
  });

  it("finds Parallel branches and Map ItemProcessor / Iterator as child scopes", () => {
    const [top] = allScopes(definition);
    const byName = new Map(statesOf(top).map((s) => [s.name, s]));
    assert.deepEqual(
      childScopes(byName.get("P")!).map((s) => s.path),
      ["States.P.Branches[0]", "States.P.Branches[1]"],
    );
    assert.deepEqual(
      childScopes(byName.get("Legacy")!).map((s) => s.path),
      ["States.Legacy.Iterator"],
    );
    assert.deepEqual(childScopes(byName.get("Done")!), []);
    assert.deepEqual(
      taskStates(definition).map((s) => s.name),
      ["A", "Deep"],
    );
    assert.deepEqual([...stateMap(definition).keys()].sort(), ["A", "Deep", "Done", "Legacy", "M", "Old", "P"]);
  });

  it("walks states named __proto__ and constructor without losing them or polluting any prototype", () => {
    // JSON.parse makes "__proto__" an own key, as a definition read from a file or a resource property has it.
    const parsed = JSON.parse(
      '{"StartAt":"constructor","States":{"constructor":{"Type":"Pass","Next":"toString"},"toString":{"Type":"Pass","Next":"__proto__"},"__proto__":{"Type":"Succeed"}}}',
    );
    const withProto = JSON.parse(
      '{"StartAt":"__proto__","States":{"__proto__":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"hasOwnProperty","States":{"hasOwnProperty":{"Type":"Succeed","polluted":true}}}]}}}',
    );
    for (const def of [parsed, withProto]) {
      const walked = [...walkStates(def)];
      assert.ok(walked.length > 0);
      for (const s of walked) assert.equal(typeof s.state, "object");
    }
    assert.deepEqual(
      [...walkStates(parsed)].map((s) => s.name),
      ["constructor", "toString", "__proto__"],
    );
    assert.deepEqual(
      [...walkStates(withProto)].map((s) => s.path),
      ["States.__proto__", "States.__proto__.Branches[0].States.hasOwnProperty"],
    );
    const map = stateMap(withProto);
    assert.equal(map.get("__proto__")?.Type, "Parallel");
    assert.equal(map.get("hasOwnProperty")?.Type, "Succeed");
    assert.equal(map.get("constructor"), undefined, "an inherited name is not a state");
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
    assert.equal(typeof Object.prototype.hasOwnProperty, "function");
    // Inherited names are never states: a definition without them yields nothing for them.
    const plain = { StartAt: "A", States: { A: { Type: "Pass", Next: "constructor" } } };
    assert.deepEqual(
      [...walkStates(plain)].map((s) => s.name),
      ["A"],
    );
    assert.deepEqual(normalTransitions(plain.States.A), ["constructor"]);
  });

  it("never throws on malformed input, and skips what is not ASL-shaped", () => {
    for (const input of [
      undefined,
      null,
      42,
      "text",
      [],
      {},
      { States: null },
      { States: [] },
      { States: "x" },
      { States: { A: null, B: 3, C: "s", D: [] } },
    ]) {
      assert.deepEqual([...walkStates(input)], [], JSON.stringify(input));
    }
    const odd = {
      StartAt: 7,
      States: {
        P: { Type: "Parallel", Branches: [null, 3, { States: { X: { Type: 5 } } }, { StartAt: "Y" }] },
        M: { Type: "Map", ItemProcessor: "nope", Iterator: [] },
        Q: { Type: "Parallel", Branches: "not an array" },
        N: { Next: 1, Choices: [null, { Next: 2 }, { Next: "ok" }], Default: {} },
      },
    };
    const walked = [...walkStates(odd)];
    assert.deepEqual(
      walked.map((s) => s.path),
      ["States.P", "States.P.Branches[2].States.X", "States.M", "States.Q", "States.N"],
    );
    assert.equal(walked[1].type, undefined);
    assert.equal(allScopes(odd)[0].startAt, undefined);
    assert.deepEqual(normalTransitions(odd.States.N), ["ok"]);
  });

  it("stops at a state that holds itself (an object built in code; JSON cannot)", () => {
    const loop: Record<string, unknown> = { Type: "Parallel", End: true };
    loop.Branches = [{ StartAt: "Loop", States: { Loop: loop } }];
    const paths = [...walkStates({ StartAt: "Loop", States: { Loop: loop } })].map((s) => s.path);
    assert.deepEqual(paths, ["States.Loop", "States.Loop.Branches[0].States.Loop"]);
  });
});

describe("asl: integrations", () => {
  it("reads service integration ARNs in any partition, with their pattern", () => {
    assert.deepEqual(parseIntegrationArn("arn:aws-cn:states:::sns:publish"), { partition: "aws-cn", service: "sns", action: "publish" });
    assert.equal(parseIntegrationArn("arn:aws:states:::states:startExecution.sync:2")?.pattern, ".sync:2");
    assert.equal(parseIntegrationArn("arn:aws:lambda:us-east-1:123456789012:function:f"), undefined);
    assert.equal(parseIntegrationArn(undefined), undefined);
    assert.equal(serviceIntegrationOf("arn:aws-us-gov:states:::lambda:invoke"), "lambdaInvoke");
    assert.equal(serviceIntegrationOf("arn:aws:states:::lambda:invoke.waitForTaskToken"), undefined);
    assert.equal(serviceIntegrationOf("arn:aws:states:::lambda:invoke.waitForTaskToken", { anyPattern: true }), "lambdaInvoke");
    assert.equal(messageServiceOf("arn:aws:states:::sqs:sendMessage"), "sqs");
    assert.equal(messageServiceOf("arn:aws:states:::lambda:invoke"), undefined);
    assert.equal(STEP_HANDLER_ENTRY, "__index.handler");
  });
});
