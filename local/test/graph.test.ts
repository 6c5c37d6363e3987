/**
 * ASL -> Mermaid: a definition using every state type renders the expected nodes, subgraphs, edges, catch labels
 * and classes; a highlight marks exactly the visited states and the edges taken; names are sanitised into unique,
 * Mermaid-safe ids across nested scopes. Every line of every chart is checked against the flowchart grammar subset
 * the renderer emits, and every edge endpoint must be declared, so what GitHub gets parses.
 */
import { strict as assert } from "node:assert";
import { MERMAID_CLASSES, toMermaid } from "../graph/graph";

const lambda = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

/** Every ASL state type: Task (Lambda and service integrations), Choice, Wait, Pass, Parallel, Map, Succeed, Fail. */
const everyStateType = {
  Comment: "every state type",
  StartAt: "Validate Order",
  TimeoutSeconds: 300,
  States: {
    "Validate Order": {
      Type: "Task",
      Resource: lambda("validate"),
      TimeoutSeconds: 10,
      Retry: [{ ErrorEquals: ["Lambda.ServiceException"], MaxAttempts: 3 }],
      Catch: [
        { ErrorEquals: ["ValidationError"], Next: "Notify Invalid" },
        { ErrorEquals: ["States.ALL"], Next: "Unexpected Error" },
      ],
      Next: "Route Order",
    },
    "Route Order": {
      Type: "Choice",
      Choices: [
        { Variable: "$.detail.items[0]", IsPresent: false, Next: "Nothing To Do" },
        {
          And: [{ Variable: "$.detail.totalAmount", NumericGreaterThan: 100 }, { Not: { Variable: "$.detail.vip", BooleanEquals: true } }],
          Next: "Hold For Review",
        },
        { Variable: "$.detail.currency", IsPresent: false, Next: "Set Default Currency" },
      ],
      Default: "Fulfil And Notify",
    },
    "Hold For Review": { Type: "Wait", Seconds: 30, Next: "Fulfil And Notify" },
    "Set Default Currency": { Type: "Pass", Result: "USD", ResultPath: "$.detail.currency", Next: "Fulfil And Notify" },
    "Fulfil And Notify": {
      Type: "Parallel",
      Branches: [
        {
          StartAt: "Fulfil Order",
          States: {
            "Fulfil Order": {
              Type: "Task",
              Resource: lambda("fulfil"),
              TimeoutSeconds: 10,
              End: true,
              Catch: [{ ErrorEquals: ["States.ALL"], Next: "Log Fulfilment Failure" }],
            },
            "Log Fulfilment Failure": { Type: "Pass", End: true },
          },
        },
        {
          StartAt: "Send Email",
          States: {
            "Send Email": {
              Type: "Task",
              Resource: "arn:aws:states:::sns:publish",
              Parameters: { TopicArn: "arn:aws:sns:us-east-1:123456789012:t", "Message.$": "$" },
              TimeoutSeconds: 30,
              End: true,
            },
          },
        },
      ],
      Catch: [{ ErrorEquals: ["States.ALL"], Next: "Unexpected Error" }],
      Next: "Pack Items",
    },
    "Pack Items": {
      Type: "Map",
      ItemsPath: "$.detail.items",
      ItemProcessor: {
        ProcessorConfig: { Mode: "INLINE" },
        StartAt: "Pack Item",
        States: { "Pack Item": { Type: "Task", Resource: lambda("pack"), TimeoutSeconds: 10, End: true } },
      },
      Next: "Publish Order Processed",
    },
    "Publish Order Processed": {
      Type: "Task",
      Resource: "arn:aws:states:::events:putEvents",
      Parameters: { Entries: [{ Source: "order.processor", DetailType: "Order Processed", "Detail.$": "$", EventBusName: "default" }] },
      ResultPath: null,
      TimeoutSeconds: 30,
      End: true,
    },
    "Nothing To Do": { Type: "Succeed" },
    "Notify Invalid": {
      Type: "Task",
      Resource: "arn:aws:states:::sns:publish",
      Parameters: { TopicArn: "arn:aws:sns:us-east-1:123456789012:t", "Message.$": "$" },
      ResultPath: null,
      TimeoutSeconds: 30,
      Next: "Validation Failed",
    },
    "Validation Failed": { Type: "Fail", Error: "ValidationFailed", Cause: "The order did not validate" },
    "Unexpected Error": { Type: "Pass", Next: "Unexpected Error End" },
    "Unexpected Error End": { Type: "Fail", Error: "UnexpectedError", Cause: "See the execution history" },
  },
};

// ---- a parser for the subset of the flowchart grammar toMermaid emits -------------------------------------------

interface ParsedChart {
  title?: string;
  nodes: Map<string, { shape: string; label: string; parent?: string }>;
  subgraphs: Map<string, { title: string; parent?: string }>;
  edges: Array<{ from: string; arrow: "-->" | "-.->"; label?: string; to: string }>;
  classDefs: Map<string, string>;
  classes: Map<string, string[]>;
  linkStyles: Array<{ indices: number[]; style: string }>;
}

const ID = "[A-Za-z_][A-Za-z0-9_]*";
const SHAPES: Array<[string, string, string]> = [
  ['[/"', '"/]', "parallelogram"],
  ['{{"', '"}}', "hexagon"],
  ['(("', '"))', "circle"],
  ['(["', '"])', "stadium"],
  ['["', '"]', "rectangle"],
  ['{"', '"}', "rhombus"],
];
const decode = (s: string) => s.replace(/#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

function parse(chart: string): ParsedChart {
  const out: ParsedChart = { nodes: new Map(), subgraphs: new Map(), edges: [], classDefs: new Map(), classes: new Map(), linkStyles: [] };
  assert.ok(chart.endsWith("\n"), "the chart ends with a newline");
  const lines = chart.split("\n").filter((l) => l.trim() !== "");
  let i = 0;
  if (lines[0] === "---") {
    const title = /^title: (".*")$/.exec(lines[1]);
    assert.ok(title, `front matter title line: ${lines[1]}`);
    out.title = JSON.parse(title[1]) as string;
    assert.equal(lines[2], "---");
    i = 3;
  }
  assert.equal(lines[i], "flowchart TD", "the chart is a top-down flowchart");
  const stack: string[] = [];
  for (const raw of lines.slice(i + 1)) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^subgraph (${ID})\\["([^"]*)"\\]$`).exec(line))) {
      assert.ok(!out.subgraphs.has(m[1]) && !out.nodes.has(m[1]), `id ${m[1]} declared once`);
      out.subgraphs.set(m[1], { title: decode(m[2]), parent: stack.at(-1) });
      stack.push(m[1]);
    } else if (line === "end") {
      assert.ok(stack.pop(), "an end closes an open subgraph");
    } else if ((m = new RegExp(`^(${ID}) (-->|-\\.->)(?:\\|"([^"|]*)"\\|)? (${ID})$`).exec(line))) {
      out.edges.push({ from: m[1], arrow: m[2] as "-->" | "-.->", label: m[3] === undefined ? undefined : decode(m[3]), to: m[4] });
    } else if ((m = /^classDef (\w+) ([^;]+)$/.exec(line))) {
      out.classDefs.set(m[1], m[2]);
    } else if ((m = new RegExp(`^class ((?:${ID},)*${ID}) (\\w+)$`).exec(line))) {
      out.classes.set(m[2], [...(out.classes.get(m[2]) ?? []), ...m[1].split(",")]);
    } else if ((m = /^linkStyle ((?:\d+,)*\d+) ([^;]+)$/.exec(line))) {
      out.linkStyles.push({ indices: m[1].split(",").map(Number), style: m[2] });
    } else {
      const node = new RegExp(`^(${ID})(.*)$`).exec(line);
      const shape = node && SHAPES.find(([open, close]) => node[2].startsWith(open) && node[2].endsWith(close));
      assert.ok(node && shape, `unrecognised line: ${JSON.stringify(line)}`);
      const inner = node[2].slice(shape[0].length, node[2].length - shape[1].length);
      assert.ok(!inner.includes('"'), `label of ${node[1]} has no raw quote`);
      assert.ok(!out.nodes.has(node[1]) && !out.subgraphs.has(node[1]), `id ${node[1]} declared once`);
      out.nodes.set(node[1], { shape: shape[2], label: decode(inner), parent: stack.at(-1) });
    }
  }
  assert.equal(stack.length, 0, "every subgraph is closed");
  // Well-formedness across lines.
  const declared = (id: string) => out.nodes.has(id) || out.subgraphs.has(id);
  for (const e of out.edges) assert.ok(declared(e.from) && declared(e.to), `edge ${e.from} -> ${e.to} joins declared ids`);
  for (const [cls, ids] of out.classes) {
    assert.ok(out.classDefs.has(cls), `class ${cls} is defined`);
    for (const id of ids) assert.ok(declared(id), `class ${cls} names declared id ${id}`);
  }
  const styled = out.linkStyles.flatMap((l) => l.indices);
  assert.equal(new Set(styled).size, styled.length, "each edge is in at most one linkStyle");
  for (const idx of styled) assert.ok(idx < out.edges.length, `linkStyle index ${idx} names an edge`);
  for (const id of [...out.nodes.keys(), ...out.subgraphs.keys()]) {
    assert.ok(
      !/^(end|graph|flowchart|subgraph|class|classdef|style|linkstyle|click|default|direction)$/i.test(id),
      `id ${id} is not a Mermaid keyword`,
    );
  }
  return out;
}

/** The node or subgraph id whose label (first line) or title is the state name. */
function idOf(chart: ParsedChart, name: string): string {
  for (const [id, n] of chart.nodes) if (n.label.split("<br/>")[0] === name) return id;
  for (const [id, s] of chart.subgraphs) if (s.title.replace(/ \((parallel|map.*)\)$/, "") === name) return id;
  throw new Error(`no node for state ${name}`);
}

function edge(chart: ParsedChart, from: string, to: string) {
  const found = chart.edges.map((e, index) => ({ ...e, index })).filter((e) => e.from === from && e.to === to);
  assert.equal(found.length, 1, `exactly one edge ${from} -> ${to}`);
  return found[0];
}

const stylesOf = (chart: ParsedChart, index: number) => chart.linkStyles.find((l) => l.indices.includes(index))?.style;
const classOf = (chart: ParsedChart, cls: string) => new Set(chart.classes.get(cls) ?? []);

// ---------------------------------------------------------------------------------------------------------------

describe("toMermaid (ASL -> Mermaid flowchart)", () => {
  const chart = parse(toMermaid(everyStateType, { title: "Every state type" }));
  const id = (name: string) => idOf(chart, name);

  describe("a definition using every state type", () => {
    it("renders a top-down flowchart with the title as front matter", () => {
      assert.equal(chart.title, "Every state type");
    });

    it("declares one node per non-container state, shaped by type", () => {
      const expected: Array<[string, string]> = [
        ["Validate Order", "rectangle"],
        ["Route Order", "rhombus"],
        ["Hold For Review", "hexagon"],
        ["Set Default Currency", "parallelogram"],
        ["Fulfil Order", "rectangle"],
        ["Log Fulfilment Failure", "parallelogram"],
        ["Send Email", "rectangle"],
        ["Pack Item", "rectangle"],
        ["Publish Order Processed", "rectangle"],
        ["Nothing To Do", "stadium"],
        ["Notify Invalid", "rectangle"],
        ["Validation Failed", "circle"],
        ["Unexpected Error", "parallelogram"],
        ["Unexpected Error End", "circle"],
      ];
      for (const [name, shape] of expected) assert.equal(chart.nodes.get(id(name))?.shape, shape, name);
      // 14 states + the Start and End markers; Parallel and Map are subgraphs, not nodes.
      assert.equal(chart.nodes.size, expected.length + 2);
      assert.equal(chart.nodes.get("__start")?.shape, "circle");
      assert.equal(chart.nodes.get("__finish")?.shape, "circle");
    });

    it("labels integration tasks with their service action, Waits with their time, Fails with their error", () => {
      assert.equal(chart.nodes.get(id("Send Email"))?.label, "Send Email<br/>sns:publish");
      assert.equal(chart.nodes.get(id("Publish Order Processed"))?.label, "Publish Order Processed<br/>events:putEvents");
      assert.equal(chart.nodes.get(id("Validate Order"))?.label, "Validate Order");
      assert.equal(chart.nodes.get(id("Hold For Review"))?.label, "Hold For Review<br/>wait 30s");
      assert.equal(chart.nodes.get(id("Validation Failed"))?.label, "Validation Failed<br/>ValidationFailed");
    });

    it("labels a callback through a queue or topic with its integration and the wait for the token", () => {
      const callback = parse(
        toMermaid({
          StartAt: "AwaitReview",
          States: {
            AwaitReview: {
              Type: "Task",
              Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              Parameters: { QueueUrl: "https://sqs.us-east-1.amazonaws.com/1/q", MessageBody: { "taskToken.$": "$$.Task.Token" } },
              TimeoutSeconds: 60,
              End: true,
            },
          },
        }),
      );
      assert.equal(callback.nodes.get(idOf(callback, "AwaitReview"))?.label, "AwaitReview<br/>sqs:sendMessage.waitForTaskToken");
    });

    it("renders Parallel as a subgraph of branch subgraphs, and Map as a subgraph of its ItemProcessor states", () => {
      const parallel = id("Fulfil And Notify");
      assert.equal(chart.subgraphs.get(parallel)?.title, "Fulfil And Notify (parallel)");
      const branches = [...chart.subgraphs].filter(([, s]) => s.parent === parallel);
      assert.deepEqual(
        branches.map(([, s]) => s.title),
        ["Branch 1", "Branch 2"],
      );
      assert.equal(chart.nodes.get(id("Fulfil Order"))?.parent, branches[0][0]);
      assert.equal(chart.nodes.get(id("Log Fulfilment Failure"))?.parent, branches[0][0]);
      assert.equal(chart.nodes.get(id("Send Email"))?.parent, branches[1][0]);
      const map = id("Pack Items");
      assert.equal(chart.subgraphs.get(map)?.title, "Pack Items (map over $.detail.items)");
      assert.equal(chart.nodes.get(id("Pack Item"))?.parent, map);
      assert.equal(chart.nodes.get(id("Validate Order"))?.parent, undefined, "top-level states sit outside subgraphs");
    });

    it("draws the start edge, solid Next edges (also from and to subgraphs) and the End edge", () => {
      assert.equal(edge(chart, "__start", id("Validate Order")).arrow, "-->");
      assert.equal(edge(chart, id("Validate Order"), id("Route Order")).arrow, "-->");
      assert.equal(edge(chart, id("Hold For Review"), id("Fulfil And Notify")).arrow, "-->");
      assert.equal(edge(chart, id("Fulfil And Notify"), id("Pack Items")).arrow, "-->");
      assert.equal(edge(chart, id("Pack Items"), id("Publish Order Processed")).arrow, "-->");
      assert.equal(edge(chart, id("Publish Order Processed"), "__finish").arrow, "-->");
      assert.equal(edge(chart, id("Notify Invalid"), id("Validation Failed")).arrow, "-->");
      // Branch and iterator states that End do not leave their scope.
      assert.ok(!chart.edges.some((e) => e.to === "__finish" && e.from !== id("Publish Order Processed")));
    });

    it("labels Choice edges with readable conditions and the Default", () => {
      assert.equal(edge(chart, id("Route Order"), id("Nothing To Do")).label, "$.detail.items[0] is not present");
      assert.equal(
        edge(chart, id("Route Order"), id("Hold For Review")).label,
        "$.detail.totalAmount > 100 and not ($.detail.vip == true)",
      );
      assert.equal(edge(chart, id("Route Order"), id("Set Default Currency")).label, "$.detail.currency is not present");
      assert.equal(edge(chart, id("Route Order"), id("Fulfil And Notify")).label, "Default");
    });

    it("draws Catch edges dashed, labelled with the error names, styled red", () => {
      const catches: Array<[string, string, string]> = [
        ["Validate Order", "Notify Invalid", "ValidationError"],
        ["Validate Order", "Unexpected Error", "States.ALL"],
        ["Fulfil Order", "Log Fulfilment Failure", "States.ALL"],
        ["Fulfil And Notify", "Unexpected Error", "States.ALL"],
      ];
      for (const [from, to, label] of catches) {
        const e = edge(chart, id(from), id(to));
        assert.equal(e.arrow, "-.->", `${from} -> ${to} is dashed`);
        assert.equal(e.label, label);
        assert.match(stylesOf(chart, e.index) ?? "", /stroke:#d93025/, `${from} -> ${to} is red`);
      }
      assert.equal(chart.edges.filter((e) => e.arrow === "-.->").length, catches.length, "only Catch edges are dashed");
      for (const [index, e] of chart.edges.entries()) {
        if (e.arrow === "-->") assert.equal(stylesOf(chart, index), undefined, "success edges keep the default style");
      }
    });

    it("assigns each state exactly one type class", () => {
      const typeOf: Record<string, string> = {
        "Validate Order": "task",
        "Route Order": "choice",
        "Hold For Review": "wait",
        "Set Default Currency": "pass",
        "Fulfil And Notify": "parallel",
        "Fulfil Order": "task",
        "Log Fulfilment Failure": "pass",
        "Send Email": "task",
        "Pack Items": "map",
        "Pack Item": "task",
        "Publish Order Processed": "task",
        "Nothing To Do": "succeed",
        "Notify Invalid": "task",
        "Validation Failed": "fail",
        "Unexpected Error": "pass",
        "Unexpected Error End": "fail",
      };
      const typeClasses = ["task", "choice", "pass", "wait", "parallel", "map", "succeed", "fail"];
      for (const [name, type] of Object.entries(typeOf)) {
        const has = typeClasses.filter((cls) => classOf(chart, cls).has(id(name)));
        assert.deepEqual(has, [type], name);
      }
      assert.deepEqual([...classOf(chart, MERMAID_CLASSES.terminal)].sort(), ["__finish", "__start"]);
    });

    it("styles the failure path apart: Fail states red, states reached only through a Catch as failurePath", () => {
      assert.match(chart.classDefs.get("fail") ?? "", /fill:#fce8e6,stroke:#d93025/);
      assert.match(chart.classDefs.get("failurePath") ?? "", /stroke:#d93025/);
      assert.match(chart.classDefs.get("succeed") ?? "", /stroke:#188038/);
      assert.deepEqual(
        new Set([...classOf(chart, "failurePath")].map((i) => chart.nodes.get(i)?.label.split("<br/>")[0])),
        new Set(["Notify Invalid", "Unexpected Error", "Log Fulfilment Failure"]),
      );
      assert.deepEqual(classOf(chart, "fail"), new Set([id("Validation Failed"), id("Unexpected Error End")]));
      assert.ok(!chart.classDefs.has("visited") && !chart.classes.has("visited"), "no highlight classes without a highlight");
    });

    it("accepts the definition as JSON text, with the same result", () => {
      assert.equal(
        toMermaid(JSON.stringify(everyStateType), { title: "Every state type" }),
        toMermaid(everyStateType, { title: "Every state type" }),
      );
    });

    it("omits the front matter without a title", () => {
      assert.ok(toMermaid(everyStateType).startsWith("flowchart TD\n"));
    });
  });

  describe("highlight", () => {
    it("marks exactly the visited states, fades the rest, and emphasises the edges taken", () => {
      const visited = [
        "Validate Order",
        "Route Order",
        "Fulfil And Notify",
        "Fulfil Order",
        "Send Email",
        "Log Fulfilment Failure",
        "Pack Items",
        "Pack Item",
        "Pack Item",
        "Publish Order Processed",
      ];
      const c = parse(toMermaid(everyStateType, { highlight: { visited } }));
      const cid = (name: string) => idOf(c, name);
      assert.deepEqual(classOf(c, "visited"), new Set(visited.map(cid)));
      const all = [...c.nodes.keys(), ...c.subgraphs.keys()].filter((i) => !i.startsWith("__") && !/_branch\d+$/.test(i));
      assert.deepEqual(classOf(c, "unvisited"), new Set(all.filter((i) => !classOf(c, "visited").has(i))));
      assert.ok(!c.classes.has("failedAt"), "nothing failed");
      const green = /stroke:#0b8043,stroke-width:3px/;
      const taken: Array<[string, string]> = [
        ["__start", cid("Validate Order")],
        [cid("Validate Order"), cid("Route Order")],
        [cid("Route Order"), cid("Fulfil And Notify")],
        [cid("Fulfil And Notify"), cid("Pack Items")],
        [cid("Pack Items"), cid("Publish Order Processed")],
        [cid("Publish Order Processed"), "__finish"],
      ];
      for (const [from, to] of taken) assert.match(stylesOf(c, edge(c, from, to).index) ?? "", green, `${from} -> ${to} taken`);
      // The catch that fired is bold red; the ones that did not are faded.
      assert.match(stylesOf(c, edge(c, cid("Fulfil Order"), cid("Log Fulfilment Failure")).index) ?? "", /stroke:#d93025,stroke-width:3px/);
      assert.match(stylesOf(c, edge(c, cid("Validate Order"), cid("Notify Invalid")).index) ?? "", /stroke:#f4b6b0/);
      assert.match(stylesOf(c, edge(c, cid("Route Order"), cid("Hold For Review")).index) ?? "", /stroke:#dadce0/);
      assert.match(stylesOf(c, edge(c, cid("Hold For Review"), cid("Fulfil And Notify")).index) ?? "", /stroke:#dadce0/);
    });

    it("marks the state an execution failed in, and follows the catch it took (not every edge between visited states)", () => {
      const visited = ["Validate Order", "Fulfil And Notify", "Unexpected Error", "Unexpected Error End"];
      const c = parse(toMermaid(everyStateType, { highlight: { visited, failedAt: "Unexpected Error End" } }));
      const cid = (name: string) => idOf(c, name);
      assert.deepEqual(classOf(c, "failedAt"), new Set([cid("Unexpected Error End")]));
      assert.deepEqual(classOf(c, "visited"), new Set(visited.map(cid)));
      assert.match(c.classDefs.get("failedAt") ?? "", /fill:#d93025/);
      // Unexpected Error was entered from the Parallel's catch, the nearest visited predecessor ...
      assert.match(stylesOf(c, edge(c, cid("Fulfil And Notify"), cid("Unexpected Error")).index) ?? "", /stroke-width:3px/);
      // ... not from Validate Order's catch, although both of its ends were visited.
      assert.doesNotMatch(stylesOf(c, edge(c, cid("Validate Order"), cid("Unexpected Error")).index) ?? "", /stroke-width:3px/);
      assert.ok(!c.edges.some((e) => e.to === "__finish" && /stroke-width:3px/.test(stylesOf(c, c.edges.indexOf(e)) ?? "")));
    });

    it("ignores visited names that are not states", () => {
      const c = parse(toMermaid(everyStateType, { highlight: { visited: ["Validate Order", "No Such State"] } }));
      assert.deepEqual(classOf(c, "visited"), new Set([idOf(c, "Validate Order")]));
    });

    it("declares the highlight classes after the type classes, so they win", () => {
      const text = toMermaid(everyStateType, { highlight: { visited: ["Validate Order"], failedAt: "Validate Order" } });
      assert.ok(text.indexOf("classDef visited") > text.indexOf("classDef fail "));
      assert.ok(text.indexOf("class Validate_Order failedAt") > text.indexOf("classDef failedAt"));
      assert.ok(text.lastIndexOf(" failedAt") > text.lastIndexOf(" task"));
    });
  });

  describe("ids", () => {
    const tricky = {
      StartAt: "Charge Card",
      States: {
        "Charge Card": { Type: "Task", Resource: lambda("c"), Next: "Charge-Card" },
        "Charge-Card": { Type: "Pass", Next: "end" },
        end: { Type: "Pass", Next: "3DS Check" },
        "3DS Check": { Type: "Pass", Next: 'Say "hi" <now> #1 | `x`' },
        'Say "hi" <now> #1 | `x`': { Type: "Pass", Next: "Fan Out" },
        "Fan Out": {
          Type: "Parallel",
          Branches: [
            { StartAt: "Charge.Card", States: { "Charge.Card": { Type: "Pass", End: true } } },
            { StartAt: "Fan Out branch1", States: { "Fan Out branch1": { Type: "Pass", End: true } } },
          ],
          Next: "Items",
        },
        Items: {
          Type: "Map",
          ItemsPath: "$.items",
          Iterator: { StartAt: "Charge  Card", States: { "Charge  Card": { Type: "Succeed" } } },
          End: true,
        },
      },
    };
    const c = parse(toMermaid(tricky));

    it("sanitises names with spaces, dashes and dots into Mermaid-safe ids, keeping the name as the label", () => {
      assert.equal(c.nodes.get("Charge_Card")?.label, "Charge Card");
      assert.equal(c.nodes.get("Charge_Card_2")?.label, "Charge-Card");
      for (const idv of [...c.nodes.keys(), ...c.subgraphs.keys()]) assert.match(idv, /^[A-Za-z_][A-Za-z0-9_]*$/);
    });

    it("prefixes ids that are Mermaid keywords or start with a digit", () => {
      assert.equal(c.nodes.get("s_end")?.label, "end");
      assert.equal(c.nodes.get("s_3DS_Check")?.label, "3DS Check");
    });

    it("escapes quotes, angle brackets, #, | and backticks in labels as entity codes", () => {
      const [idv, node] = [...c.nodes].find(([, n]) => n.label.startsWith("Say")) ?? [];
      assert.equal(node?.label, 'Say "hi" <now> #1 | `x`');
      assert.equal(idv, "Say_hi_now_1_x");
      const text = toMermaid(tricky);
      assert.ok(text.includes(`Say_hi_now_1_x[/"Say #34;hi#34; #60;now#62; #35;1 #124; #96;x#96;"/]`));
    });

    it("prefixes Object.prototype names (Mermaid's layout fails on them) and escapes & so entity-like text stays literal", () => {
      const text = toMermaid({
        StartAt: "constructor",
        States: { constructor: { Type: "Pass", Next: "toString" }, toString: { Type: "Fail", Error: "A &amp; B" } },
      });
      const p = parse(text);
      assert.equal(p.nodes.get("s_constructor")?.label, "constructor");
      assert.equal(p.nodes.get("s_toString")?.label, "toString<br/>A &amp; B");
      assert.ok(text.includes(`s_toString(("toString<br/>A #38;amp; B"))`));
    });

    it("keeps ids unique across nested scopes (branches, Map iterators, subgraph ids)", () => {
      const ids = [...c.nodes.keys(), ...c.subgraphs.keys()];
      assert.equal(new Set(ids).size, ids.length);
      // "Charge Card", "Charge-Card", "Charge.Card" (branch) and "Charge  Card" (legacy Iterator) all sanitise alike.
      const chargeIds = [...c.nodes].filter(([, n]) => /^Charge.+Card$/.test(n.label)).map(([i]) => i);
      assert.equal(chargeIds.length, 4);
      assert.equal(new Set(chargeIds).size, 4);
      // A state whose sanitised name equals a generated branch-subgraph id does not collide with it.
      const branchState = [...c.nodes].find(([, n]) => n.label === "Fan Out branch1")?.[0];
      const branchSubgraphs = [...c.subgraphs].filter(([, s]) => s.title.startsWith("Branch")).map(([i]) => i);
      assert.ok(branchState && !branchSubgraphs.includes(branchState));
      assert.equal(
        chargeIds.filter((i) => c.nodes.get(i)?.parent === idOf(c, "Items")).length,
        1,
        "the Iterator state sits in the Map subgraph",
      );
    });
  });

  describe("Choice conditions", () => {
    const choice = (rule: Record<string, unknown>) => {
      const c = parse(
        toMermaid({ StartAt: "C", States: { C: { Type: "Choice", Choices: [{ ...rule, Next: "D" }] }, D: { Type: "Succeed" } } }),
      );
      return c.edges.find((e) => e.from === "C")?.label;
    };
    it("renders comparisons, Path variants, type tests, Or and JSONata conditions", () => {
      assert.equal(choice({ Variable: "$.status", StringEquals: "PAID" }), '$.status == "PAID"');
      assert.equal(choice({ Variable: "$.total", NumericLessThanEqualsPath: "$.limit" }), "$.total <= $.limit");
      assert.equal(choice({ Variable: "$.name", StringMatches: "log-*.txt" }), '$.name matches "log-*.txt"');
      assert.equal(choice({ Variable: "$.at", TimestampGreaterThan: "2025-01-01T00:00:00Z" }), '$.at > "2025-01-01T00:00:00Z"');
      assert.equal(choice({ Variable: "$.x", IsNull: true }), "$.x is null");
      assert.equal(choice({ Variable: "$.x", IsNumeric: false }), "$.x is not numeric");
      assert.equal(
        choice({
          Or: [
            { Variable: "$.a", BooleanEquals: true },
            { Variable: "$.b", NumericEquals: 0 },
          ],
        }),
        "$.a == true or $.b == 0",
      );
      assert.equal(choice({ Condition: "{% $states.input.total > 100 %}" }), "$states.input.total > 100");
    });
    it("truncates long conditions", () => {
      const label = choice({ Variable: `$.${"x".repeat(100)}`, StringEquals: "y" }) ?? "";
      assert.ok(label.length <= 60 && label.endsWith("…"));
    });
  });

  describe("service calls and data shaping", () => {
    it("labels an SDK call with its service and action, a Pass with the fields it builds, a selector with the fields it keeps", () => {
      const chart = toMermaid({
        StartAt: "Shape",
        States: {
          Shape: { Type: "Pass", Parameters: { "id.$": "$.detail.id", source: "web" }, Next: "Read" },
          Read: {
            Type: "Task",
            Resource: "arn:aws:states:::aws-sdk:s3:getObject",
            Parameters: { Bucket: "b", "Key.$": "$.id" },
            ResultSelector: { "bytes.$": "$.ContentLength" },
            Next: "Save",
          },
          Save: { Type: "Task", Resource: "arn:aws:states:::dynamodb:putItem", Parameters: { TableName: "t" }, Next: "Child" },
          Child: {
            Type: "Task",
            Resource: "arn:aws:states:::states:startExecution.sync:2",
            Parameters: { StateMachineArn: "x" },
            End: true,
          },
        },
      });
      assert.match(chart, /Shape<br\/>builds \{id, source\}/);
      assert.match(chart, /Read<br\/>aws-sdk s3:getObject<br\/>keeps \{bytes\}/);
      assert.match(chart, /Save<br\/>dynamodb:putItem/);
      assert.match(chart, /Child<br\/>states:startExecution\.sync:2/);
    });

    it("labels a job a step waits for with its integration and pattern (callAwsService integrationPattern runJob)", () => {
      const chart = toMermaid({
        StartAt: "RunReport",
        States: {
          RunReport: { Type: "Task", Resource: "arn:aws:states:::ecs:runTask.sync", Parameters: { Cluster: "c" }, Next: "Etl" },
          Etl: { Type: "Task", Resource: "arn:aws:states:::glue:startJobRun.sync", Parameters: { JobName: "j" }, End: true },
        },
      });
      assert.match(chart, /RunReport<br\/>ecs:runTask\.sync/);
      assert.match(chart, /Etl<br\/>glue:startJobRun\.sync/);
    });
  });

  describe("invalid definitions", () => {
    it("rejects a definition without StartAt/States", () => {
      assert.throws(() => toMermaid({ States: {} }), /needs StartAt \(a state name\) and States/);
    });
    it("rejects a StartAt that is not a state", () => {
      assert.throws(
        () => toMermaid({ StartAt: "Nope", States: { A: { Type: "Succeed" } } }),
        /starts at "Nope", which is not one of its States/,
      );
    });
    it("rejects a transition to an unknown state, naming it", () => {
      assert.throws(
        () => toMermaid({ StartAt: "A", States: { A: { Type: "Pass", Next: "Ghost" } } }),
        /"Ghost" is not a state of this scope/,
      );
    });
    it("rejects a Map without ItemProcessor or Iterator", () => {
      assert.throws(() => toMermaid({ StartAt: "M", States: { M: { Type: "Map", End: true } } }), /ItemProcessor \(or Iterator\) of "M"/);
    });
    it("rejects JSON text that does not parse", () => {
      assert.throws(() => toMermaid("{ StartAt: A }"), /not valid JSON/);
    });
  });

  describe("with the time budget", () => {
    const definition = {
      StartAt: "Charge",
      TimeoutSeconds: 100,
      States: {
        Charge: {
          Type: "Task",
          Resource: lambda("charge"),
          TimeoutSeconds: 10,
          Catch: [{ ErrorEquals: ["States.ALL"], Next: "Cool" }],
          Next: "Done",
        },
        Cool: { Type: "Wait", Seconds: 60, Next: "Failed" },
        Failed: { Type: "Fail", Error: "E" },
        Done: { Type: "Succeed" },
      },
    };

    it("writes each state's worst case under its name, and none under states that take no time", () => {
      const chart = toMermaid(definition, { timeBudget: true });
      assert.match(chart, /Charge\["Charge<br\/>≤ 10 s"\]/);
      assert.match(chart, /Cool\{\{"Cool<br\/>wait 60s<br\/>≤ 60 s"\}\}/);
      assert.match(chart, /Done\(\["Done"\]\)/);
    });

    it("draws the binding path (the worst one, here through the Catch) in thick orange, and only it", () => {
      const chart = toMermaid(definition, { timeBudget: true });
      assert.match(chart, new RegExp(`class Charge,Cool,Failed ${MERMAID_CLASSES.binding}`));
      const edges = chart.split("\n").filter((l) => /-->|-\.->/.test(l));
      const styled = [...chart.matchAll(/linkStyle ([\d,]+) stroke:#e8710a/g)].flatMap((m) => m[1].split(",").map(Number));
      assert.deepEqual(
        styled.map((i) => edges[i].trim()),
        ["__start --> Charge", "Cool --> Failed", 'Charge -.->|"States.ALL"| Cool'],
      );
      assert.doesNotMatch(toMermaid(definition), /≤|binding/);
    });
  });
});
