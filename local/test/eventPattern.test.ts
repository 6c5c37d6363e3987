/**
 * EventBridge pattern matching, table-driven: every operator matching and not matching, the AWS documentation's
 * own examples (quoted from the Amazon EventBridge User Guide pages "Creating event patterns", "Content filtering
 * in event patterns", "Comparison operators for use in event patterns", "Arrays in event patterns", "Matching null
 * values and empty strings", and from the README of aws/event-ruler, the matcher EventBridge uses), the order
 * trigger, the reasons a non-matching event gets, and the errors an invalid pattern raises.
 *
 * Case names: "docs:" and "ruler:" quote a documented pattern (and event, where the source gives one) verbatim;
 * "docs row" cases take the example of a row of the "Comparison operators" table (its description quoted) in
 * EventBridge rule syntax.
 */
import { strict as assert } from "node:assert";
import { EventPatternError, matchEventPattern, validateEventPattern } from "../simulators/eventPattern";

interface Case {
  name: string;
  pattern: object;
  event: object;
  matched: boolean;
  /** For non-matching cases: text (or pattern) one of the reasons must contain. */
  reason?: string | RegExp;
}

// ---- events quoted from the documentation ----------------------------------------------------------------------

/** User Guide, "Creating event patterns": the Amazon EC2 example event. */
const docsEc2Event = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: { "instance-id": "i-1234567890abcdef0", state: "terminated" },
};

/** aws/event-ruler README, "Ruler by Example": the sample event its rules are written against. */
const rulerEvent = {
  version: "0",
  id: "ddddd4-aaaa-7777-4444-345dd43cc333",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "012345679012",
  time: "2017-10-02T16:24:49Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
  detail: {
    "c-count": 5,
    "d-count": 3,
    "x-limit": 301.8,
    "source-ip": "10.0.0.33",
    "instance-id": "i-000000aaaaaa00000",
    state: "running",
  },
};

/** User Guide, "Content filtering", exists matching: the event `{"detail": {"state": [{"exists": true}]}}` matches. */
const docsExistsEvent = {
  version: "0",
  id: "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "123456789012",
  time: "2015-11-11T21:29:54Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
  detail: { "instance-id": "i-abcd1111", state: "pending" },
};

/** Same page: the event that pattern does NOT match "because it doesn't have a detail.state field". */
const docsNoStateEvent = {
  "detail-type": ["EC2 Instance State-change Notification"],
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341"],
  detail: { "c-count": { c1: 100 } },
};

/** User Guide, "Matching null values and empty strings": the example event. */
const docsNullEvent = {
  version: "0",
  id: "3e3c153a-8339-4e30-8c35-687ebef853fe",
  "detail-type": "EC2 Instance Launch Successful",
  source: "aws.autoscaling",
  account: "123456789012",
  time: "2015-11-11T21:31:47Z",
  region: "us-east-1",
  resources: [],
  detail: { eventVersion: "", responseElements: null },
};

/** The order program's trigger (design contract) and an event of its shape. */
const orderTrigger = { source: ["order.service"], "detail-type": ["Order Placed"] };
const orderPlaced = {
  version: "0",
  id: "5f1c1a55-3c5e-4b55-9d1b-2f6f2a1c0001",
  source: "order.service",
  "detail-type": "Order Placed",
  account: "123456789012",
  time: "2025-01-15T10:00:00Z",
  region: "us-east-1",
  resources: [],
  detail: {
    orderId: "ord-1001",
    customerId: "cust-42",
    items: [
      { sku: "SKU-1", quantity: 2, unitPrice: 19.99 },
      { sku: "SKU-2", quantity: 1, unitPrice: 5 },
    ],
    totalAmount: 44.98,
    currency: "USD",
    cardToken: "tok_visa",
    customer: { tier: "gold" },
  },
};

const ev = (detail: Record<string, unknown>, top: Record<string, unknown> = {}) => ({
  source: "test",
  "detail-type": "Test",
  ...top,
  detail,
});

// ---- the table ---------------------------------------------------------------------------------------------------

const table: Record<string, Case[]> = {
  "the order trigger": [
    { name: "an Order Placed event from order.service", pattern: orderTrigger, event: orderPlaced, matched: true },
    {
      name: "an Order Cancelled event",
      pattern: orderTrigger,
      event: { ...orderPlaced, "detail-type": "Order Cancelled" },
      matched: false,
      reason: 'detail-type: expected one of ["Order Placed"], found "Order Cancelled"',
    },
    {
      name: "an Order Placed event from another source",
      pattern: orderTrigger,
      event: { ...orderPlaced, source: "shop.legacy" },
      matched: false,
      reason: 'source: expected one of ["order.service"], found "shop.legacy"',
    },
    {
      name: "an event without detail-type",
      pattern: orderTrigger,
      event: { source: "order.service", detail: {} },
      matched: false,
      reason: 'detail-type: expected one of ["Order Placed"], but the field is missing',
    },
    {
      name: "a case variant of the detail-type (exact matching is case-sensitive)",
      pattern: orderTrigger,
      event: { ...orderPlaced, "detail-type": "order placed" },
      matched: false,
    },
  ],

  "exact values, AND across fields, OR within an array": [
    {
      // User Guide, "Creating event patterns": selects the EC2 instance-termination events.
      name: 'docs: {"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"], "detail": {"state": ["terminated"]}}',
      pattern: { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"], detail: { state: ["terminated"] } },
      event: docsEc2Event,
      matched: true,
    },
    {
      name: "docs EC2 pattern against a running instance",
      pattern: { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"], detail: { state: ["terminated"] } },
      event: { ...docsEc2Event, detail: { ...docsEc2Event.detail, state: "running" } },
      matched: false,
      reason: 'detail.state: expected one of ["terminated"], found "running"',
    },
    {
      // event-ruler README, "Simple matching".
      name: 'ruler: {"detail-type": [...], "resources": [...], "detail": {"state": ["initializing", "running"]}}',
      pattern: {
        "detail-type": ["EC2 Instance State-change Notification"],
        resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
        detail: { state: ["initializing", "running"] },
      },
      event: rulerEvent,
      matched: true,
    },
    {
      // Operators table, "Or": PaymentType is "Credit" or "Debit".
      name: 'docs row "PaymentType is Credit or Debit": ["Credit", "Debit"] with Debit',
      pattern: { PaymentType: ["Credit", "Debit"] },
      event: { PaymentType: "Debit" },
      matched: true,
    },
    {
      name: '"PaymentType": ["Credit", "Debit"] with Cash',
      pattern: { PaymentType: ["Credit", "Debit"] },
      event: { PaymentType: "Cash" },
      matched: false,
      reason: 'expected one of ["Credit", "Debit"], found "Cash"',
    },
    {
      // Operators table, "And": Location is "New York" and Day is "Monday".
      name: 'docs: "Location": ["New York"], "Day": ["Monday"] with both',
      pattern: { Location: ["New York"], Day: ["Monday"] },
      event: { Location: "New York", Day: "Monday" },
      matched: true,
    },
    {
      name: "AND with one field wrong",
      pattern: { Location: ["New York"], Day: ["Monday"] },
      event: { Location: "New York", Day: "Tuesday" },
      matched: false,
      reason: "Day:",
    },
    // Operators table, "Equals" and "Numeric (equals)": Name is "Alice", Price is 100.
    { name: 'docs: "Name": ["Alice"]', pattern: { Name: ["Alice"] }, event: { Name: "Alice" }, matched: true },
    { name: 'docs row "Price is 100": [100]', pattern: { Price: [100] }, event: { Price: 100 }, matched: true },
    {
      name: "a number does not equal its string form",
      pattern: { Price: [100] },
      event: { Price: "100" },
      matched: false,
      reason: 'Price: expected one of [100], found "100"',
    },
    { name: "a string does not equal the number", pattern: { Price: ["100"] }, event: { Price: 100 }, matched: false },
    { name: "booleans match exactly", pattern: { detail: { paid: [true] } }, event: ev({ paid: true }), matched: true },
    { name: 'true is not the string "true"', pattern: { detail: { paid: [true] } }, event: ev({ paid: "true" }), matched: false },
    {
      name: "nested fields (detail.customer.tier)",
      pattern: { detail: { customer: { tier: ["gold", "platinum"] } } },
      event: orderPlaced,
      matched: true,
    },
    {
      name: "nested fields, wrong value",
      pattern: { detail: { customer: { tier: ["platinum"] } } },
      event: orderPlaced,
      matched: false,
      reason: 'detail.customer.tier: expected one of ["platinum"], found "gold"',
    },
    {
      name: "a nested pattern against a scalar",
      pattern: { detail: { customer: { tier: ["gold"] } } },
      event: ev({ customer: "gold" }),
      matched: false,
      reason: 'detail.customer: expected an object with "tier", found "gold"',
    },
    {
      name: "fields the pattern does not name are ignored",
      pattern: { detail: { orderId: ["ord-1001"] } },
      event: orderPlaced,
      matched: true,
    },
    {
      name: "a leaf pattern does not match an object value",
      pattern: { detail: { customer: ["gold"] } },
      event: orderPlaced,
      matched: false,
      reason: "found an object",
    },
  ],

  "null and empty strings": [
    // User Guide, "Matching null values and empty strings".
    { name: 'docs: {"detail": {"eventVersion": [""]}}', pattern: { detail: { eventVersion: [""] } }, event: docsNullEvent, matched: true },
    {
      name: 'docs: {"detail": {"responseElements": [null]}}',
      pattern: { detail: { responseElements: [null] } },
      event: docsNullEvent,
      matched: true,
    },
    {
      name: "docs: an empty-string pattern does not match null",
      pattern: { detail: { responseElements: [""] } },
      event: docsNullEvent,
      matched: false,
      reason: 'expected one of [""], found null',
    },
    {
      name: "a null pattern does not match the empty string",
      pattern: { detail: { eventVersion: [null] } },
      event: docsNullEvent,
      matched: false,
    },
    {
      name: "a null pattern does not match a missing field",
      pattern: { detail: { userId: [null] } },
      event: docsNullEvent,
      matched: false,
      reason: "but the field is missing",
    },
    // Operators table, "Empty" and "Null": LastName is empty, UserID is null.
    { name: 'docs: "LastName": [""]', pattern: { LastName: [""] }, event: { LastName: "" }, matched: true },
    { name: 'docs row "UserID is null": [null]', pattern: { UserID: [null] }, event: { UserID: null }, matched: true },
  ],

  "array-valued event fields": [
    {
      // User Guide, "Arrays in event patterns": matches because the first pattern item equals the second event item.
      name: "docs: resources pattern against an event with two resources",
      pattern: {
        resources: [
          "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
          "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
          "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f",
        ],
      },
      event: {
        resources: [
          "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate",
          "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
        ],
      },
      matched: true,
    },
    {
      name: "no element of the event array matches",
      pattern: { resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"] },
      event: { resources: ["arn:aws:s3:::bucket-a", "arn:aws:s3:::bucket-b"] },
      matched: false,
      reason: "(no element matched)",
    },
    { name: "an empty event array matches no value", pattern: { resources: ["x"] }, event: docsNullEvent, matched: false },
    {
      name: "operators apply to each element (prefix)",
      pattern: { tags: [{ prefix: "env:" }] },
      event: { tags: ["team:a", "env:prod"] },
      matched: true,
    },
    {
      name: "operators apply to each element (numeric)",
      pattern: { scores: [{ numeric: [">", 90] }] },
      event: { scores: [10, 95] },
      matched: true,
    },
    {
      // event-ruler README, "JSON Array Matching": the array is "crushed out" of the rule pattern.
      name: 'ruler: {"employees": {"firstName": ["Anna"]}} against an array of employees',
      pattern: { employees: { firstName: ["Anna"] } },
      event: {
        employees: [
          { firstName: "John", lastName: "Doe" },
          { firstName: "Anna", lastName: "Smith" },
          { firstName: "Peter", lastName: "Jones" },
        ],
      },
      matched: true,
    },
    {
      // Same section: rulesForJSONEvent (what EventBridge uses) refuses a match across different array elements.
      name: 'ruler: {"employees": {"firstName": ["Anna"], "lastName": ["Jones"]}} does not match across elements',
      pattern: { employees: { firstName: ["Anna"], lastName: ["Jones"] } },
      event: {
        employees: [
          { firstName: "John", lastName: "Doe" },
          { firstName: "Anna", lastName: "Smith" },
          { firstName: "Peter", lastName: "Jones" },
        ],
      },
      matched: false,
      reason: "employees[1].lastName",
    },
    {
      name: "ruler: multi-level arrays of objects",
      pattern: { employees: { firstName: ["Peter"] } },
      event: { employees: [[{ firstName: "John" }, { firstName: "Anna" }], [{ firstName: "Peter" }]] },
      matched: true,
    },
    { name: "order items: one item has the sku", pattern: { detail: { items: { sku: ["SKU-2"] } } }, event: orderPlaced, matched: true },
    {
      name: "order items: no item has the sku",
      pattern: { detail: { items: { sku: ["SKU-9"] } } },
      event: orderPlaced,
      matched: false,
      reason: 'detail.items[0].sku: expected one of ["SKU-9"], found "SKU-1"',
    },
  ],

  prefix: [
    // User Guide, "Prefix matching".
    {
      name: 'docs: {"time": [{"prefix": "2017-10-02"}]}',
      pattern: { time: [{ prefix: "2017-10-02" }] },
      event: { time: "2017-10-02T18:43:48Z" },
      matched: true,
    },
    {
      name: "docs prefix pattern, another day",
      pattern: { time: [{ prefix: "2017-10-02" }] },
      event: { time: "2017-10-03T18:43:48Z" },
      matched: false,
      reason: 'time: expected one of [{"prefix":"2017-10-02"}], found "2017-10-03T18:43:48Z"',
    },
    // Operators table, "Begins with": Region is in the US.
    {
      name: 'docs: "Region": [{"prefix": "us-"}]',
      pattern: { Region: [{ prefix: "us-" }] },
      event: { Region: "us-east-1" },
      matched: true,
    },
    { name: "prefix is case-sensitive", pattern: { Region: [{ prefix: "us-" }] }, event: { Region: "US-EAST-1" }, matched: false },
    {
      name: "prefix only applies to strings",
      pattern: { code: [{ prefix: "12" }] },
      event: { code: 123 },
      matched: false,
      reason: "found 123",
    },
    {
      name: "prefix on a missing field",
      pattern: { Region: [{ prefix: "us-" }] },
      event: {},
      matched: false,
      reason: "but the field is missing",
    },
    // User Guide, "Prefix matching while ignoring case".
    {
      name: 'docs: {"detail": {"service": [{"prefix": {"equals-ignore-case": "EventB"}}]}} with EVENTBRIDGE',
      pattern: { detail: { service: [{ prefix: { "equals-ignore-case": "EventB" } }] } },
      event: ev({ service: "EVENTBRIDGE" }),
      matched: true,
    },
    {
      name: "prefix equals-ignore-case with eventbus",
      pattern: { detail: { service: [{ prefix: { "equals-ignore-case": "EventB" } }] } },
      event: ev({ service: "eventbus" }),
      matched: true,
    },
    {
      name: "prefix equals-ignore-case with another prefix",
      pattern: { detail: { service: [{ prefix: { "equals-ignore-case": "EventB" } }] } },
      event: ev({ service: "Lambda" }),
      matched: false,
    },
  ],

  suffix: [
    // User Guide, "Suffix matching".
    {
      name: 'docs: {"FileName": [{"suffix": ".png"}]}',
      pattern: { FileName: [{ suffix: ".png" }] },
      event: { FileName: "photo.png" },
      matched: true,
    },
    {
      name: "suffix with .jpg",
      pattern: { FileName: [{ suffix: ".png" }] },
      event: { FileName: "photo.jpg" },
      matched: false,
      reason: 'FileName: expected one of [{"suffix":".png"}], found "photo.jpg"',
    },
    { name: "suffix is case-sensitive", pattern: { FileName: [{ suffix: ".png" }] }, event: { FileName: "photo.PNG" }, matched: false },
    // event-ruler README, "Suffix matching".
    { name: 'ruler: {"source": [{"suffix": "ec2"}]}', pattern: { source: [{ suffix: "ec2" }] }, event: rulerEvent, matched: true },
    // User Guide, "Suffix matching while ignoring case".
    {
      name: 'docs: {"detail": {"FileName": [{"suffix": {"equals-ignore-case": ".png"}}]}} with .PNG',
      pattern: { detail: { FileName: [{ suffix: { "equals-ignore-case": ".png" } }] } },
      event: ev({ FileName: "IMG_1.PNG" }),
      matched: true,
    },
    {
      name: "suffix equals-ignore-case with .gif",
      pattern: { detail: { FileName: [{ suffix: { "equals-ignore-case": ".png" } }] } },
      event: ev({ FileName: "IMG_1.GIF" }),
      matched: false,
    },
  ],

  "equals-ignore-case": [
    // Operators table, "Equals (ignore case)": Name is "Alice".
    {
      name: 'docs: "Name": [{"equals-ignore-case": "alice"}] with Alice',
      pattern: { Name: [{ "equals-ignore-case": "alice" }] },
      event: { Name: "Alice" },
      matched: true,
    },
    {
      name: "equals-ignore-case with ALICE",
      pattern: { Name: [{ "equals-ignore-case": "alice" }] },
      event: { Name: "ALICE" },
      matched: true,
    },
    {
      name: "equals-ignore-case is not a prefix match",
      pattern: { Name: [{ "equals-ignore-case": "alice" }] },
      event: { Name: "Alicia" },
      matched: false,
      reason: 'Name: expected one of [{"equals-ignore-case":"alice"}], found "Alicia"',
    },
    // event-ruler README, "Equals-ignore-case matching".
    {
      name: 'ruler: {"source": [{"equals-ignore-case": "EC2"}]} against "aws.ec2"',
      pattern: { source: [{ "equals-ignore-case": "EC2" }] },
      event: rulerEvent,
      matched: false,
    },
    {
      name: 'ruler pattern against "ec2"',
      pattern: { source: [{ "equals-ignore-case": "EC2" }] },
      event: { source: "ec2" },
      matched: true,
    },
  ],

  wildcard: [
    // Operators table, "Wildcard": any file with a .png extension, located within the folder "dir".
    {
      name: 'docs row "any .png file within the folder dir": [{"wildcard": "dir/*.png"}] with dir/1.png',
      pattern: { FileName: [{ wildcard: "dir/*.png" }] },
      event: { FileName: "dir/1.png" },
      matched: true,
    },
    {
      name: "wildcard * spans path separators",
      pattern: { FileName: [{ wildcard: "dir/*.png" }] },
      event: { FileName: "dir/a/b/2.png" },
      matched: true,
    },
    {
      name: "wildcard outside the folder",
      pattern: { FileName: [{ wildcard: "dir/*.png" }] },
      event: { FileName: "other/1.png" },
      matched: false,
      reason: '{"wildcard":"dir/*.png"}',
    },
    {
      name: "wildcard must match the whole value",
      pattern: { FileName: [{ wildcard: "dir/*.png" }] },
      event: { FileName: "dir/1.png.bak" },
      matched: false,
    },
    // event-ruler README, "Wildcard matching".
    {
      name: 'ruler: {"source": [{"wildcard": "Simple*Service"}]} with SimpleQueueService',
      pattern: { source: [{ wildcard: "Simple*Service" }] },
      event: { source: "SimpleQueueService" },
      matched: true,
    },
    {
      name: "Simple*Service matches zero characters",
      pattern: { source: [{ wildcard: "Simple*Service" }] },
      event: { source: "SimpleService" },
      matched: true,
    },
    // Several wildcards in one value: an event bus ARN in any account.
    {
      name: '"EventBusArn": [{"wildcard": "arn:aws:events:us-east-1:*:event-bus/*"}] (any account)',
      pattern: { EventBusArn: [{ wildcard: "arn:aws:events:us-east-1:*:event-bus/*" }] },
      event: { EventBusArn: "arn:aws:events:us-east-1:123456789012:event-bus/orders" },
      matched: true,
    },
    {
      name: "event bus ARN wildcard in another region",
      pattern: { EventBusArn: [{ wildcard: "arn:aws:events:us-east-1:*:event-bus/*" }] },
      event: { EventBusArn: "arn:aws:events:eu-west-1:123456789012:event-bus/orders" },
      matched: false,
    },
    { name: "an escaped \\* is a literal asterisk", pattern: { v: [{ wildcard: "a\\*b" }] }, event: { v: "a*b" }, matched: true },
    {
      name: "an escaped \\* does not match other characters",
      pattern: { v: [{ wildcard: "a\\*b" }] },
      event: { v: "axb" },
      matched: false,
    },
    {
      name: "an escaped \\\\ is a literal backslash",
      pattern: { v: [{ wildcard: "C:\\\\*" }] },
      event: { v: "C:\\Windows" },
      matched: true,
    },
    { name: "regex characters are literal", pattern: { v: [{ wildcard: "a.c*" }] }, event: { v: "abc" }, matched: false },
    { name: "wildcard only applies to strings", pattern: { v: [{ wildcard: "1*" }] }, event: { v: 12 }, matched: false },
  ],

  "anything-but": [
    // User Guide, "Anything-but matching".
    {
      name: 'docs: {"detail": {"state": [{"anything-but": "initializing"}]}} with running',
      pattern: { detail: { state: [{ "anything-but": "initializing" }] } },
      event: rulerEvent,
      matched: true,
    },
    {
      name: "anything-but initializing with initializing",
      pattern: { detail: { state: [{ "anything-but": "initializing" }] } },
      event: ev({ state: "initializing" }),
      matched: false,
      reason: 'detail.state: expected one of [{"anything-but":"initializing"}], found "initializing"',
    },
    {
      name: 'docs: {"detail": {"x-limit": [{"anything-but": 123}]}} with 301.8',
      pattern: { detail: { "x-limit": [{ "anything-but": 123 }] } },
      event: rulerEvent,
      matched: true,
    },
    {
      name: "anything-but 123 with 123",
      pattern: { detail: { "x-limit": [{ "anything-but": 123 }] } },
      event: ev({ "x-limit": 123 }),
      matched: false,
    },
    {
      name: 'docs: {"detail": {"state": [{"anything-but": ["stopped", "overloaded"]}]}} with running',
      pattern: { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } },
      event: rulerEvent,
      matched: true,
    },
    {
      name: "anything-but [stopped, overloaded] with overloaded",
      pattern: { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } },
      event: ev({ state: "overloaded" }),
      matched: false,
    },
    {
      name: 'docs: {"detail": {"x-limit": [{"anything-but": [100, 200, 300]}]}} with 301.8',
      pattern: { detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } },
      event: rulerEvent,
      matched: true,
    },
    {
      name: "anything-but [100, 200, 300] with 200",
      pattern: { detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } },
      event: ev({ "x-limit": 200 }),
      matched: false,
    },
    {
      name: 'docs: {"detail": {"state": [{"anything-but": {"prefix": "init"}}]}} with running',
      pattern: { detail: { state: [{ "anything-but": { prefix: "init" } }] } },
      event: rulerEvent,
      matched: true,
    },
    {
      name: "anything-but prefix init with initializing",
      pattern: { detail: { state: [{ "anything-but": { prefix: "init" } }] } },
      event: ev({ state: "initializing" }),
      matched: false,
    },
    // Operators table, "Anything-but (begins with)": Region is not in the US.
    {
      name: 'docs: "Region": [{"anything-but": {"prefix": "us-"}}] with eu-west-1',
      pattern: { Region: [{ "anything-but": { prefix: "us-" } }] },
      event: { Region: "eu-west-1" },
      matched: true,
    },
    {
      name: "anything-but prefix us- with us-east-1",
      pattern: { Region: [{ "anything-but": { prefix: "us-" } }] },
      event: { Region: "us-east-1" },
      matched: false,
    },
    // Operators table, "Anything-but (ends with)": FileName does not end with a .png extension.
    {
      name: 'docs: "FileName": [{"anything-but": {"suffix": ".png"}}] with a.jpg',
      pattern: { FileName: [{ "anything-but": { suffix: ".png" } }] },
      event: { FileName: "a.jpg" },
      matched: true,
    },
    {
      name: "anything-but suffix .png with a.png",
      pattern: { FileName: [{ "anything-but": { suffix: ".png" } }] },
      event: { FileName: "a.png" },
      matched: false,
    },
    // Operators table, "Anything-but (ignore case)".
    {
      name: 'docs: "state": [{"anything-but": {"equals-ignore-case": "initializing"}}] with running',
      pattern: { state: [{ "anything-but": { "equals-ignore-case": "initializing" } }] },
      event: { state: "running" },
      matched: true,
    },
    {
      name: "anything-but equals-ignore-case with INITIALIZING",
      pattern: { state: [{ "anything-but": { "equals-ignore-case": "initializing" } }] },
      event: { state: "INITIALIZING" },
      matched: false,
    },
    {
      name: "anything-but equals-ignore-case list",
      pattern: { state: [{ "anything-but": { "equals-ignore-case": ["Stopped", "Overloaded"] } }] },
      event: { state: "OVERLOADED" },
      matched: false,
    },
    // Operators table, "Anything-but using a wildcard": FilePath does not include /lib/.
    {
      name: 'docs: "FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}] with /usr/bin/env',
      pattern: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] },
      event: { FilePath: "/usr/bin/env" },
      matched: true,
    },
    {
      name: "anything-but wildcard */lib/* with /usr/lib/x.so",
      pattern: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] },
      event: { FilePath: "/usr/lib/x.so" },
      matched: false,
    },
    // Operators table, "Not": Weather is anything but "Raining".
    {
      name: 'docs row "Weather is anything but Raining": [{"anything-but": ["Raining"]}] with Sunny',
      pattern: { Weather: [{ "anything-but": ["Raining"] }] },
      event: { Weather: "Sunny" },
      matched: true,
    },
    {
      name: "anything-but never matches a missing field",
      pattern: { Weather: [{ "anything-but": ["Raining"] }] },
      event: {},
      matched: false,
      reason: 'Weather: expected one of [{"anything-but":["Raining"]}], but the field is missing',
    },
    {
      name: "anything-but on an array matches when some element is allowed",
      pattern: { tags: [{ "anything-but": "internal" }] },
      event: { tags: ["internal", "public"] },
      matched: true,
    },
    {
      name: "anything-but on an array of only denied values",
      pattern: { tags: [{ "anything-but": "internal" }] },
      event: { tags: ["internal"] },
      matched: false,
    },
  ],

  numeric: [
    // User Guide, "Numeric matching" (and event-ruler README): against the ruler sample event (5, 3, 301.8).
    {
      name: 'docs: {"c-count": [{"numeric": [">", 0, "<=", 5]}], "d-count": [{"numeric": ["<", 10]}], "x-limit": [{"numeric": ["=", 3.018e2]}]}',
      pattern: {
        detail: {
          "c-count": [{ numeric: [">", 0, "<=", 5] }],
          "d-count": [{ numeric: ["<", 10] }],
          "x-limit": [{ numeric: ["=", 3.018e2] }],
        },
      },
      event: rulerEvent,
      matched: true,
    },
    {
      name: "docs numeric pattern with c-count 6",
      pattern: {
        detail: {
          "c-count": [{ numeric: [">", 0, "<=", 5] }],
          "d-count": [{ numeric: ["<", 10] }],
          "x-limit": [{ numeric: ["=", 3.018e2] }],
        },
      },
      event: { ...rulerEvent, detail: { ...rulerEvent.detail, "c-count": 6 } },
      matched: false,
      reason: 'detail.c-count: expected one of [{"numeric":[">",0,"<=",5]}], found 6',
    },
    // Operators table, "Numeric (range)": Price is more than 10, and less than or equal to 20.
    {
      name: 'docs row "Price is more than 10, and less than or equal to 20": [{"numeric": [">", 10, "<=", 20]}] with 20',
      pattern: { Price: [{ numeric: [">", 10, "<=", 20] }] },
      event: { Price: 20 },
      matched: true,
    },
    {
      name: "range excludes its open lower bound",
      pattern: { Price: [{ numeric: [">", 10, "<=", 20] }] },
      event: { Price: 10 },
      matched: false,
    },
    { name: ">= includes its bound", pattern: { Price: [{ numeric: [">=", 10] }] }, event: { Price: 10 }, matched: true },
    { name: "< excludes its bound", pattern: { Price: [{ numeric: ["<", 10] }] }, event: { Price: 10 }, matched: false },
    { name: "negative and fractional values", pattern: { t: [{ numeric: [">=", -1.5, "<", 0] }] }, event: { t: -0.25 }, matched: true },
    {
      name: "numeric only matches JSON numbers",
      pattern: { Price: [{ numeric: [">", 10] }] },
      event: { Price: "15" },
      matched: false,
      reason: 'found "15"',
    },
    { name: "numeric on a missing field", pattern: { Price: [{ numeric: [">", 10] }] }, event: {}, matched: false },
    { name: "the order total above 40", pattern: { detail: { totalAmount: [{ numeric: [">", 40] }] } }, event: orderPlaced, matched: true },
  ],

  exists: [
    // User Guide, "Exists matching".
    {
      name: 'docs: {"detail": {"state": [{"exists": true}]}} matches the pending-instance event',
      pattern: { detail: { state: [{ exists: true }] } },
      event: docsExistsEvent,
      matched: true,
    },
    {
      name: "docs: ... does NOT match the event without detail.state",
      pattern: { detail: { state: [{ exists: true }] } },
      event: docsNoStateEvent,
      matched: false,
      reason: 'detail.state: expected one of [{"exists":true}], but the field is missing',
    },
    // event-ruler README: {"exists": false} matches an event without detail.c-count ...
    {
      name: 'ruler: {"detail": {"c-count": [{"exists": false}]}} without c-count',
      pattern: { detail: { "c-count": [{ exists: false }] } },
      event: docsExistsEvent,
      matched: true,
    },
    // ... "but would also match the event below because c-count is not a leaf node".
    {
      name: "ruler: exists false also matches when c-count is an object (not a leaf)",
      pattern: { detail: { "c-count": [{ exists: false }] } },
      event: docsNoStateEvent,
      matched: true,
    },
    {
      name: "exists true does not match an object (not a leaf)",
      pattern: { detail: { "c-count": [{ exists: true }] } },
      event: docsNoStateEvent,
      matched: false,
    },
    {
      name: "exists false with the field present",
      pattern: { detail: { "c-count": [{ exists: false }] } },
      event: rulerEvent,
      matched: false,
      reason: 'detail.c-count: expected one of [{"exists":false}], found 5',
    },
    {
      name: "exists false when the parent object is missing too",
      pattern: { detail: { "c-count": [{ exists: false }] } },
      event: { source: "x" },
      matched: true,
    },
    // Operators table, "Exists" / "Does not exist": ProductName.
    {
      name: 'docs row "ProductName exists": [{"exists": true}]',
      pattern: { ProductName: [{ exists: true }] },
      event: { ProductName: "Widget" },
      matched: true,
    },
    {
      name: 'docs row "ProductName does not exist": [{"exists": false}]',
      pattern: { ProductName: [{ exists: false }] },
      event: { Other: 1 },
      matched: true,
    },
    { name: "exists true matches a null value (a present leaf)", pattern: { v: [{ exists: true }] }, event: { v: null }, matched: true },
    { name: "exists true does not match an empty array", pattern: { resources: [{ exists: true }] }, event: docsNullEvent, matched: false },
    { name: "exists false OR a value", pattern: { currency: [{ exists: false }, "USD"] }, event: { currency: "USD" }, matched: true },
    // Held against aws/event-ruler: exists false asks whether the field path holds a value anywhere in the event,
    // so an array element that lacks it does not make the field absent when another element has it.
    {
      name: "ruler: exists false on a field inside an array of objects, present in one element, absent from another",
      pattern: { b: { c: { a: [{ exists: false }] } } },
      event: { b: [{ c: { a: 1 } }, { d: 2 }] },
      matched: false,
      reason: 'b[1].c.a: expected one of [{"exists":false}], but b.c.a holds a value in another element of the event\'s arrays',
    },
    {
      name: "ruler: the same with the field absent from every element",
      pattern: { b: { c: { a: [{ exists: false }] } } },
      event: { b: [{ c: { x: 1 } }, { d: 2 }] },
      matched: true,
    },
    {
      name: "ruler: the same class inside $or: the absent-field alternative fails, the other decides",
      pattern: { $or: [{ b: { c: { a: [{ exists: false }] } } }, { b: { d: [3] } }] },
      event: { b: [{ c: { a: 1 } }, { d: 2 }] },
      matched: false,
    },
    {
      name: "ruler: the same class inside $or, matched by the other alternative",
      pattern: { $or: [{ b: { c: { a: [{ exists: false }] } } }, { b: { d: [2] } }] },
      event: { b: [{ c: { a: 1 } }, { d: 2 }] },
      matched: true,
    },
    {
      name: "ruler: $or nested under the array field, with exists false in one alternative",
      pattern: { b: { $or: [{ c: { a: [{ exists: false }] } }, { e: ["x"] }] } },
      event: { b: [{ c: { a: 1 } }, { d: 2 }] },
      matched: false,
    },
    {
      name: "ruler: exists false in arrays nested in arrays",
      pattern: { b: { c: { a: [{ exists: false }] } } },
      event: { b: [[{ d: 1 }], [{ c: [{ a: "deep" }] }]] },
      matched: false,
    },
  ],

  cidr: [
    // User Guide, "IP address matching".
    {
      name: 'docs: {"detail": {"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]}} with 10.0.0.200',
      pattern: { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } },
      event: ev({ sourceIPAddress: "10.0.0.200" }),
      matched: true,
    },
    {
      name: "cidr 10.0.0.0/24 with 10.0.1.1",
      pattern: { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } },
      event: ev({ sourceIPAddress: "10.0.1.1" }),
      matched: false,
      reason: 'detail.sourceIPAddress: expected one of [{"cidr":"10.0.0.0/24"}], found "10.0.1.1"',
    },
    // event-ruler README, "IP Address Matching" / "Complex example".
    {
      name: 'ruler: {"detail": {"source-ip": [{"cidr": "10.0.0.0/8"}]}} with 10.0.0.33',
      pattern: { detail: { "source-ip": [{ cidr: "10.0.0.0/8" }] } },
      event: rulerEvent,
      matched: true,
    },
    { name: "IPv6 block", pattern: { ip: [{ cidr: "2001:db8::/32" }] }, event: { ip: "2001:db8:85a3::8a2e:370:7334" }, matched: true },
    { name: "IPv6 outside the block", pattern: { ip: [{ cidr: "2001:db8::/32" }] }, event: { ip: "2001:db9::1" }, matched: false },
    { name: "an IPv4 address is not in an IPv6 block", pattern: { ip: [{ cidr: "::/0" }] }, event: { ip: "10.0.0.1" }, matched: false },
    { name: "a non-address does not match", pattern: { ip: [{ cidr: "10.0.0.0/8" }] }, event: { ip: "ten.zero" }, matched: false },
  ],

  $or: [
    // Operators table, "Or (multiple fields)": Location is "New York", or Day is "Monday".
    {
      name: 'docs row "Location is New York, or Day is Monday": "$or": [{"Location": ["New York"]}, {"Day": ["Monday"]}] with Monday in Boston',
      pattern: { $or: [{ Location: ["New York"] }, { Day: ["Monday"] }] },
      event: { Location: "Boston", Day: "Monday" },
      matched: true,
    },
    {
      name: "docs $or with Tuesday in Boston",
      pattern: { $or: [{ Location: ["New York"] }, { Day: ["Monday"] }] },
      event: { Location: "Boston", Day: "Tuesday" },
      matched: false,
      reason: "$or: none of the 2 alternatives matched",
    },
    // event-ruler README, "Normal Or": source && (metricName || namespace).
    {
      name: 'ruler: {"source": ["aws.cloudwatch"], "$or": [{"metricName": [...]}, {"namespace": [...]}]} via namespace',
      pattern: {
        source: ["aws.cloudwatch"],
        $or: [{ metricName: ["CPUUtilization", "ReadLatency"] }, { namespace: ["AWS/EC2", "AWS/ES"] }],
      },
      event: { source: "aws.cloudwatch", metricName: "DiskQueueDepth", namespace: "AWS/ES" },
      matched: true,
    },
    {
      name: "normal Or, but the source differs",
      pattern: {
        source: ["aws.cloudwatch"],
        $or: [{ metricName: ["CPUUtilization", "ReadLatency"] }, { namespace: ["AWS/EC2", "AWS/ES"] }],
      },
      event: { source: "aws.ec2", metricName: "CPUUtilization" },
      matched: false,
      reason: "source:",
    },
    // event-ruler README, "Or has an And inside": source && (metricName || (metricType && namespace) || scope).
    {
      name: "ruler: Or with an And inside, via metricType && namespace",
      pattern: {
        source: ["aws.cloudwatch"],
        $or: [
          { metricName: ["CPUUtilization", "ReadLatency"] },
          { metricType: ["MetricType"], namespace: ["AWS/EC2", "AWS/ES"] },
          { scope: ["Service"] },
        ],
      },
      event: { source: "aws.cloudwatch", metricType: "MetricType", namespace: "AWS/EC2" },
      matched: true,
    },
    {
      name: "Or with an And inside, only half of the And",
      pattern: {
        source: ["aws.cloudwatch"],
        $or: [
          { metricName: ["CPUUtilization", "ReadLatency"] },
          { metricType: ["MetricType"], namespace: ["AWS/EC2", "AWS/ES"] },
          { scope: ["Service"] },
        ],
      },
      event: { source: "aws.cloudwatch", metricType: "MetricType", namespace: "AWS/Lambda" },
      matched: false,
      reason: /alternative 2: namespace: expected one of \["AWS\/EC2", "AWS\/ES"\], found "AWS\/Lambda"/,
    },
    // event-ruler README, "Nested Or and And".
    {
      name: "ruler: nested Or and And, via spaceId",
      pattern: {
        source: ["aws.cloudwatch"],
        $or: [
          { metricName: ["CPUUtilization", "ReadLatency"] },
          { metricType: ["MetricType"], namespace: ["AWS/EC2", "AWS/ES"], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
          { scope: ["Service"] },
        ],
      },
      event: { source: "aws.cloudwatch", metricType: "MetricType", namespace: "AWS/ES", spaceId: 1000 },
      matched: true,
    },
    // event-ruler README, "Parallel Or": (metricName || namespace) && (detail.source || detail.detail-type).
    {
      name: "ruler: parallel Or at two levels",
      pattern: {
        $or: [{ metricName: ["CPUUtilization", "ReadLatency"] }, { namespace: ["AWS/EC2", "AWS/ES"] }],
        detail: { $or: [{ source: ["aws.cloudwatch"] }, { "detail-type": ["CloudWatch Alarm State Change"] }] },
      },
      event: { namespace: "AWS/EC2", detail: { "detail-type": "CloudWatch Alarm State Change" } },
      matched: true,
    },
    {
      name: "parallel Or, the nested Or fails",
      pattern: {
        $or: [{ metricName: ["CPUUtilization", "ReadLatency"] }, { namespace: ["AWS/EC2", "AWS/ES"] }],
        detail: { $or: [{ source: ["aws.cloudwatch"] }, { "detail-type": ["CloudWatch Alarm State Change"] }] },
      },
      event: { namespace: "AWS/EC2", detail: { source: "aws.ec2" } },
      matched: false,
      reason: "detail.$or: none of the 2 alternatives matched",
    },
    // $or over the numeric conditions of the "Numeric matching" example, nested under detail.
    {
      name: '{"detail": {"$or": [{"c-count": [...]}, {"d-count": [...]}, {"x-limit": [...]}]}} via d-count',
      pattern: {
        detail: {
          $or: [
            { "c-count": [{ numeric: [">", 0, "<=", 5] }] },
            { "d-count": [{ numeric: ["<", 10] }] },
            { "x-limit": [{ numeric: ["=", 3.018e2] }] },
          ],
        },
      },
      event: ev({ "c-count": 50, "d-count": 3, "x-limit": 1 }),
      matched: true,
    },
  ],

  "complex patterns": [
    // User Guide, "Complex example with multiple matching" (with the event-ruler sample event).
    {
      name: "docs: prefix time + anything-but state + numeric c-count/d-count + anything-but x-limit",
      pattern: {
        time: [{ prefix: "2017-10-02" }],
        detail: {
          state: [{ "anything-but": "initializing" }],
          "c-count": [{ numeric: [">", 0, "<=", 5] }],
          "d-count": [{ numeric: ["<", 10] }],
          "x-limit": [{ "anything-but": [100, 200, 300] }],
        },
      },
      event: rulerEvent,
      matched: true,
    },
    {
      name: "docs complex example with two conditions failing",
      pattern: {
        time: [{ prefix: "2017-10-02" }],
        detail: {
          state: [{ "anything-but": "initializing" }],
          "c-count": [{ numeric: [">", 0, "<=", 5] }],
          "d-count": [{ numeric: ["<", 10] }],
          "x-limit": [{ "anything-but": [100, 200, 300] }],
        },
      },
      event: { ...rulerEvent, time: "2017-10-03T00:00:00Z", detail: { ...rulerEvent.detail, "x-limit": 200 } },
      matched: false,
      reason: 'detail.x-limit: expected one of [{"anything-but":[100,200,300]}], found 200',
    },
    {
      name: "mixed exact values and operators in one array",
      pattern: { detail: { currency: ["USD", { prefix: "EU" }, { exists: false }] } },
      event: ev({ currency: "EUR" }),
      matched: true,
    },
  ],
};

describe("matchEventPattern (EventBridge semantics)", () => {
  for (const [group, cases] of Object.entries(table)) {
    describe(group, () => {
      for (const c of cases) {
        it(`${c.matched ? "matches" : "does not match"}: ${c.name}`, () => {
          const result = matchEventPattern(c.pattern, c.event);
          assert.equal(result.matched, c.matched, `reasons: ${JSON.stringify(result.reasons)}`);
          if (c.matched) {
            assert.deepEqual(result.reasons, []);
          } else {
            assert.ok(result.reasons.length > 0, "a non-matching event gets at least one reason");
            if (c.reason !== undefined) {
              const reason = c.reason;
              assert.ok(
                result.reasons.some((r) => (typeof reason === "string" ? r.includes(reason) : reason.test(r))),
                `expected a reason containing ${String(reason)}, got:\n${result.reasons.join("\n")}`,
              );
            }
          }
        });
      }
    });
  }

  describe("reasons", () => {
    it("reports exactly the failing condition for the order trigger", () => {
      const result = matchEventPattern(orderTrigger, { ...orderPlaced, "detail-type": "Order Cancelled" });
      assert.deepEqual(result, { matched: false, reasons: ['detail-type: expected one of ["Order Placed"], found "Order Cancelled"'] });
    });

    it("reports every failing field, not only the first", () => {
      const result = matchEventPattern(orderTrigger, { source: "billing", "detail-type": "Invoice Sent" });
      assert.deepEqual(result.reasons, [
        'source: expected one of ["order.service"], found "billing"',
        'detail-type: expected one of ["Order Placed"], found "Invoice Sent"',
      ]);
    });

    it("lists each $or alternative's failure under the $or", () => {
      const result = matchEventPattern({ detail: { $or: [{ a: [1] }, { b: [{ numeric: [">", 5] }] }] } }, ev({ a: 2, b: 3 }));
      assert.deepEqual(result.reasons, [
        "detail.$or: none of the 2 alternatives matched",
        "  alternative 1: detail.a: expected one of [1], found 2",
        '  alternative 2: detail.b: expected one of [{"numeric":[">",5]}], found 3',
      ]);
    });

    it("accepts the pattern as JSON text", () => {
      assert.equal(matchEventPattern(JSON.stringify(orderTrigger), orderPlaced).matched, true);
    });
  });
});

describe("validateEventPattern", () => {
  const valid: Array<[string, object]> = [
    ["the order trigger", orderTrigger],
    [
      "every operator at once",
      {
        a: [{ prefix: "x" }, { prefix: { "equals-ignore-case": "x" } }, { suffix: "y" }, { suffix: { "equals-ignore-case": "y" } }],
        b: [{ "anything-but": "s" }, { "anything-but": ["s", "t"] }, { "anything-but": [1, 2] }, { "anything-but": { prefix: "p" } }],
        c: [
          { "anything-but": { suffix: "s" } },
          { "anything-but": { wildcard: "*x*" } },
          { "anything-but": { "equals-ignore-case": "e" } },
        ],
        d: [
          { numeric: ["=", 1] },
          { numeric: [">=", -5e9, "<=", 5e9] },
          { exists: true },
          { "equals-ignore-case": "E" },
          { wildcard: "a*b\\*c\\\\" },
        ],
        e: [{ cidr: "192.168.0.0/16" }, { cidr: "fe80::/10" }, { cidr: "10.1.2.3" }, null, true, 0, ""],
        $or: [{ f: ["1"] }, { g: ["2"] }],
      },
    ],
    ['"$or" holding an object is an ordinary field name (event-ruler backward compatibility)', { $or: { metricType: ["MetricType"] } }],
  ];
  for (const [name, pattern] of valid) {
    it(`accepts ${name}`, () => assert.doesNotThrow(() => validateEventPattern(pattern)));
  }

  /** [name, pattern, text the message must contain (path), text naming the fix] */
  const invalid: Array<[string, unknown, string, string | RegExp]> = [
    [
      "an unknown operator",
      { detail: { type: [{ contains: "x" }] } },
      'at detail.type[0]: unknown operator "contains"',
      "use one of prefix, suffix",
    ],
    ["a mistyped operator", { Region: [{ Prefix: "us-" }] }, 'at Region[0]: unknown operator "Prefix"', 'did you mean "prefix"?'],
    ["an operator spelled with an underscore", { state: [{ anything_but: "x" }] }, "at state[0]", 'did you mean "anything-but"?'],
    [
      "numeric with a string operand",
      { detail: { total: [{ numeric: [">", "100"] }] } },
      'at detail.total[0].numeric[1]: operand "100" is not a number',
      "JSON number",
    ],
    ["numeric with an unknown operator", { n: [{ numeric: ["=>", 1] }] }, 'at n[0].numeric[0]: "=>" is not a numeric operator', '">="'],
    [
      "numeric with a missing operand",
      { n: [{ numeric: [">"] }] },
      "at n[0].numeric: numeric takes [operator, number]",
      '[">", 0, "<=", 5]',
    ],
    [
      "numeric with an empty range",
      { n: [{ numeric: [">", 10, "<", 5] }] },
      "at n[0].numeric: the lower bound 10 is not below the upper bound 5",
      "swap",
    ],
    [
      "numeric with two lower bounds",
      { n: [{ numeric: [">", 1, ">=", 5] }] },
      "at n[0].numeric: a two-bound numeric range needs one lower",
      '[">", 0, "<=", 5]',
    ],
    ["numeric with = and a bound", { n: [{ numeric: ["=", 1, "<", 5] }] }, 'at n[0].numeric: "=" cannot be combined', "alone"],
    ["numeric out of range", { n: [{ numeric: [">", 6e9] }] }, "at n[0].numeric[1]: operand 6000000000 is outside", "±5.0e9"],
    ["numeric not given an array", { n: [{ numeric: 5 }] }, "at n[0].numeric", '[">", 0, "<=", 5]'],
    [
      "a bare value instead of an array",
      { source: "order.service" },
      "at source: every pattern value must be an array",
      'wrap it in an array: "source": ["order.service"]',
    ],
    [
      "an operator outside an array",
      { Region: { prefix: "us-" } },
      "at Region: operators must sit inside an array",
      'wrap it: "Region": [{"prefix":"us-"}]',
    ],
    ["an empty value array", { source: [] }, "at source: the value array is empty", '"source": ["value"]'],
    ["an empty pattern", {}, "at (root): the pattern object has no fields", '{"source": ["order.service"]}'],
    ["an empty nested object", { detail: {} }, "at detail: the pattern object has no fields", "add at least one field"],
    [
      "two operators in one object",
      { a: [{ prefix: "x", suffix: "y" }] },
      'at a[0]: an operator object takes exactly one operator, got "prefix", "suffix"',
      '[{"prefix":"x"}, {"suffix":"y"}]',
    ],
    ["an empty operator object", { a: [{}] }, "at a[0]: an operator object takes exactly one operator, got none", "use one of"],
    ["exists with a string", { a: [{ exists: "yes" }] }, 'at a[0].exists: exists takes true or false, got "yes"', '{"exists": true}'],
    ["prefix with a number", { a: [{ prefix: 12 }] }, "at a[0].prefix: prefix takes a string", '{"prefix": "us-"}'],
    [
      "suffix with a bad equals-ignore-case",
      { a: [{ suffix: { "equals-ignore-case": 1 } }] },
      "at a[0].suffix",
      '{"suffix": {"equals-ignore-case": ".png"}}',
    ],
    [
      "equals-ignore-case with a number",
      { a: [{ "equals-ignore-case": 1 }] },
      "at a[0].equals-ignore-case: equals-ignore-case takes a string",
      '{"equals-ignore-case": "alice"}',
    ],
    [
      "consecutive wildcards",
      { a: [{ wildcard: "a**b" }] },
      "at a[0].wildcard: consecutive wildcard characters are not allowed",
      "single *",
    ],
    [
      "a backslash escaping a letter in a wildcard",
      { a: [{ wildcard: "a\\d" }] },
      "at a[0].wildcard: a backslash may only escape",
      "literal asterisk",
    ],
    [
      "a CIDR prefix too long",
      { ip: [{ cidr: "10.0.0.0/33" }] },
      'at ip[0].cidr: prefix length "/33" is out of range',
      '{"cidr": "10.0.0.0/24"}',
    ],
    [
      "a CIDR that is not an address",
      { ip: [{ cidr: "intranet" }] },
      'at ip[0].cidr: "intranet" is not an IPv4 or IPv6 CIDR block',
      '{"cidr": "10.0.0.0/24"}',
    ],
    [
      "an anything-but list mixing strings and numbers",
      { a: [{ "anything-but": ["x", 1] }] },
      "at a[0].anything-but: an anything-but list must be non-empty and hold only strings or only numbers",
      '{"anything-but": ["stopped", "overloaded"]}',
    ],
    [
      "an anything-but prefix list",
      { a: [{ "anything-but": { prefix: ["a", "b"] } }] },
      "at a[0].anything-but.prefix: anything-but prefix takes a single string",
      "wildcard",
    ],
    [
      "an anything-but boolean",
      { a: [{ "anything-but": true }] },
      "at a[0].anything-but: anything-but takes strings or numbers",
      '{"anything-but": "stopped"}',
    ],
    [
      "an anything-but with an unknown inner operator",
      { a: [{ "anything-but": { numeric: [">", 1] } }] },
      "at a[0].anything-but: anything-but accepts",
      '{"anything-but": {"prefix": "init"}}',
    ],
    [
      "a $or with one alternative",
      { $or: [{ a: ["x"] }] },
      'at $or: "$or" needs an array of at least two pattern objects',
      '"$or": [{"fieldA": ["x"]}, {"fieldB": ["y"]}]',
    ],
    [
      "an invalid pattern inside a $or alternative",
      { detail: { $or: [{ a: ["x"] }, { b: [{ numeric: [">", "1"] }] }] } },
      "at detail.$or[1].b[0].numeric[1]",
      "JSON number",
    ],
    ["a nested array", { a: [["x", "y"]] }, "at a[0]: nested arrays are not allowed", '"a": ["x", "y"]'],
    [
      "a pattern that is not an object",
      ["source"],
      "at (root): a pattern must be a JSON object, got an array",
      '{"source": ["order.service"]',
    ],
    [
      "pattern text that is not JSON",
      "{source: [order.service]}",
      "at (root): the pattern is not valid JSON",
      "pass an object or JSON text",
    ],
    [
      "a pattern over 4096 characters",
      { source: Array.from({ length: 400 }, (_, i) => `source.number.${i}`) },
      "EventBridge accepts at most 4096",
      "shorten it",
    ],
  ];
  for (const [name, pattern, where, fix] of invalid) {
    it(`rejects ${name}, naming the path and the fix`, () => {
      assert.throws(
        () => validateEventPattern(pattern as object),
        (err: unknown) => {
          assert.ok(err instanceof EventPatternError, "an EventPatternError");
          assert.ok(err.message.includes(where), `message should contain ${JSON.stringify(where)}:\n${err.message}`);
          const fixPart = err.message.slice(err.message.indexOf("Fix: "));
          assert.ok(err.message.includes("Fix: "), "the message names the fix");
          assert.ok(
            typeof fix === "string" ? fixPart.includes(fix) : fix.test(fixPart),
            `fix should contain ${String(fix)}:\n${err.message}`,
          );
          return true;
        },
      );
    });
  }

  it("matchEventPattern validates too: an invalid pattern throws instead of not matching", () => {
    assert.throws(() => matchEventPattern({ source: [{ contains: "order" }] }, orderPlaced), /unknown operator "contains"/);
  });

  it("the error carries the path", () => {
    try {
      validateEventPattern({ detail: { tier: [{ numeric: ["<", "5"] }] } });
      assert.fail("should throw");
    } catch (err) {
      assert.ok(err instanceof EventPatternError);
      assert.equal(err.path, "detail.tier[0].numeric[1]");
    }
  });
});
