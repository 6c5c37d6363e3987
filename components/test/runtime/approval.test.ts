/**
 * Approval links (runtime/approvalToken.ts) and the approval endpoint (runtime/approvalEndpoint.ts): signed, expiring
 * tokens; a GET that only shows a confirmation (mail scanners pre-fetch links); a POST that completes the task once;
 * tokens never in a response or a log. Last, the deployed artifact itself, with stand-ins for the runtime's AWS SDK.
 */
import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { requiredPackages } from "../../core/archive";
import {
  APPROVAL_REJECTED_ERROR,
  approvalEndpointHandler,
  shortHash,
  type ApprovalLogEntry,
  type ApprovalRequest,
  type ApprovalResponse,
} from "../../runtime/approvalEndpoint";
import {
  APPROVAL_KEY_ENV,
  APPROVAL_LOCAL_SECRET_ENV,
  APPROVAL_URL_ENV,
  approvalLinks,
  constantTimeEqual,
  decodeApprovalToken,
  encodeApprovalToken,
  kmsMac,
  localMac,
  macFromEnvironment,
  type KmsMacApi,
} from "../../runtime/approvalToken";
import { buildStepArchive } from "../../stepArchive";

const SECRET = "local-approval-secret";
const mac = localMac(SECRET);
const NOW = 1_900_000_000; // epoch seconds
const TASK_TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAaskToken+/=ForTheApprovalStep0123456789";

async function rejectionName(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof Error, "expected a rejection");
  return error.name;
}

const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;

/** The expiresAt a (possibly tampered) token's well-formed claims state, read without the key; otherwise undefined. */
function claimedExpiry(token: string): number | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString("utf8"));
    const wellFormed =
      Object.keys(claims).sort().join() === "decision,expiresAt,taskToken" &&
      ["approve", "reject"].includes(claims.decision) &&
      typeof claims.taskToken === "string" &&
      claims.taskToken.length > 0 &&
      Number.isFinite(claims.expiresAt);
    return wellFormed ? claims.expiresAt : undefined;
  } catch {
    return undefined;
  }
}

describe("approval link tokens", () => {
  it("round-trips the task token and the decision, with a local HMAC", async () => {
    for (const decision of ["approve", "reject"] as const) {
      const token = await encodeApprovalToken({ taskToken: TASK_TOKEN, decision, expiresAt: NOW + 60 }, mac);
      assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      assert.deepEqual(await decodeApprovalToken(token, mac, NOW), { taskToken: TASK_TOKEN, decision, expiresAt: NOW + 60 });
    }
  });

  it("refuses tampered claims, a forged signature, another key's signature and malformed tokens as ApprovalLinkInvalid", async () => {
    const token = await encodeApprovalToken({ taskToken: TASK_TOKEN, decision: "reject", expiresAt: NOW + 60 }, mac);
    const [payload, signature] = token.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const swapped = Buffer.from(JSON.stringify({ ...claims, decision: "approve" })).toString("base64url");
    const extended = Buffer.from(JSON.stringify({ ...claims, expiresAt: NOW + 86_400 })).toString("base64url");
    const flipped = Buffer.from(signature, "base64url");
    flipped[0] ^= 1;
    const cases = [
      `${swapped}.${signature}`,
      `${extended}.${signature}`,
      `${payload}.${flipped.toString("base64url")}`,
      await encodeApprovalToken({ taskToken: TASK_TOKEN, decision: "reject", expiresAt: NOW + 60 }, localMac("another secret")),
      `${payload}.${signature}.x`,
      payload,
      `${payload}.`,
      `.${signature}`,
      "",
      `${payload}.${signature}=`,
      `${payload}.${"A".repeat(9000)}`,
    ];
    for (const bad of cases) assert.equal(await rejectionName(decodeApprovalToken(bad, mac, NOW)), "ApprovalLinkInvalid", bad.slice(0, 40));
  });

  it("refuses authentic claims with an unknown decision or no task token", async () => {
    const sign = async (claims: object) => {
      const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
      return `${payload}.${Buffer.from(await mac.sign(Buffer.from(payload, "ascii"))).toString("base64url")}`;
    };
    for (const claims of [
      { taskToken: TASK_TOKEN, decision: "escalate", expiresAt: NOW + 60 },
      { taskToken: "", decision: "approve", expiresAt: NOW + 60 },
      { decision: "approve", expiresAt: NOW + 60 },
      { taskToken: TASK_TOKEN, decision: "approve", expiresAt: "tomorrow" },
    ]) {
      assert.equal(await rejectionName(decodeApprovalToken(await sign(claims), mac, NOW)), "ApprovalLinkInvalid", JSON.stringify(claims));
    }
  });

  it("refuses a link at and after its expiry as ApprovalLinkExpired without checking it (it decides nothing), a forged live one as invalid", async () => {
    const token = await encodeApprovalToken({ taskToken: TASK_TOKEN, decision: "approve", expiresAt: NOW }, mac);
    assert.equal((await decodeApprovalToken(token, mac, NOW - 1)).decision, "approve");
    assert.equal(await rejectionName(decodeApprovalToken(token, mac, NOW)), "ApprovalLinkExpired");
    assert.equal(await rejectionName(decodeApprovalToken(token, mac, NOW + 3600)), "ApprovalLinkExpired");
    assert.equal(await rejectionName(decodeApprovalToken(token, localMac("other"), NOW + 3600)), "ApprovalLinkExpired");
    assert.equal(await rejectionName(decodeApprovalToken(token, localMac("other"), NOW - 1)), "ApprovalLinkInvalid");
  });

  it("under a flood of junk tokens, makes no KMS call for a malformed or expired one, one per well-formed live one", async () => {
    let verifications = 0;
    const kms = kmsMac("arn:aws:kms:us-east-1:123456789012:key/k", {
      generateMac: async () => ({ Mac: new Uint8Array(32) }),
      verifyMac: async () => {
        verifications += 1;
        throw Object.assign(new Error("mac mismatch"), { name: "KMSInvalidMacException" });
      },
    });
    const genuine = await encodeApprovalToken({ taskToken: TASK_TOKEN, decision: "approve", expiresAt: NOW + 60 }, mac);
    const [payload, signature] = genuine.split(".");
    const b64 = (value: unknown) =>
      (Buffer.isBuffer(value) ? value : Buffer.from(typeof value === "string" ? value : JSON.stringify(value))).toString("base64url");
    const claims = { taskToken: TASK_TOKEN, decision: "approve", expiresAt: NOW + 60 };
    const junk = (i: number): string =>
      [
        randomBytes(i % 64).toString("hex"),
        "x".repeat(9000),
        `${payload}.${signature}.${signature}`,
        `${payload}+.${signature}`,
        `${payload}.${b64(randomBytes(31))}`,
        `${b64("not json")}.${signature}`,
        `${b64({ ...claims, extra: 1 })}.${signature}`,
        `${b64({ ...claims, decision: "maybe" })}.${signature}`,
        `${b64({ ...claims, taskToken: "t".repeat(2049) })}.${signature}`,
        `${b64({ ...claims, expiresAt: NOW - i })}.${b64(randomBytes(32))}`,
      ][i % 10];
    for (let i = 0; i < 1000; i++) {
      const name = await rejectionName(decodeApprovalToken(junk(i), kms, NOW));
      assert.ok(name === "ApprovalLinkInvalid" || name === "ApprovalLinkExpired", name);
    }
    assert.equal(verifications, 0, "malformed and expired tokens cost no KMS call");
    for (let i = 0; i < 10; i++)
      assert.equal(await rejectionName(decodeApprovalToken(`${payload}.${b64(randomBytes(32))}`, kms, NOW)), "ApprovalLinkInvalid");
    assert.equal(verifications, 10, "a well-formed live token with a wrong MAC costs one VerifyMac");
  });

  it("never quotes the token in its errors", async () => {
    const token = await encodeApprovalToken({ taskToken: TASK_TOKEN, decision: "approve", expiresAt: NOW }, mac);
    for (const [candidate, now] of [
      [token, NOW],
      [`${token}x`, NOW - 1],
    ] as const) {
      const error = await decodeApprovalToken(candidate, mac, now).then(
        () => undefined,
        (e: Error) => e,
      );
      assert.ok(error && !error.message.includes(TASK_TOKEN) && !error.message.includes(candidate.slice(0, 20)));
    }
  });

  it("builds an approve and a reject link on the endpoint's URL that carry no raw task token", async () => {
    const links = await approvalLinks("https://abc.lambda-url.us-east-1.on.aws/", TASK_TOKEN, NOW + 60, mac);
    assert.ok(links.approve.startsWith("https://abc.lambda-url.us-east-1.on.aws/?token="));
    for (const link of [links.approve, links.reject]) {
      assert.ok(!link.includes(TASK_TOKEN) && !link.includes(encodeURIComponent(TASK_TOKEN)));
    }
    assert.equal((await decodeApprovalToken(tokenOf(links.approve), mac, NOW)).decision, "approve");
    assert.equal((await decodeApprovalToken(tokenOf(links.reject), mac, NOW)).decision, "reject");
    const withQuery = await approvalLinks("https://example.com/approve?tenant=a", TASK_TOKEN, NOW + 60, mac);
    assert.equal(new URL(withQuery.approve).searchParams.get("tenant"), "a");
    assert.equal((await decodeApprovalToken(tokenOf(withQuery.reject), mac, NOW)).decision, "reject");
  });

  it("round-trips random task tokens and refuses every one-character change (property loop)", async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_.é"\\ ';
    for (let i = 0; i < 200; i++) {
      const taskToken =
        i % 2 === 0
          ? randomBytes(randomInt(1, 1500)).toString("base64")
          : Array.from({ length: randomInt(1, 300) }, () => alphabet[randomInt(alphabet.length)]).join("");
      const decision = i % 3 === 0 ? "reject" : "approve";
      const expiresAt = NOW + randomInt(1, 100_000);
      const token = await encodeApprovalToken({ taskToken, decision, expiresAt }, mac);
      assert.deepEqual(await decodeApprovalToken(token, mac, NOW), { taskToken, decision, expiresAt });
      const at = randomInt(token.length);
      const replacement = "AQgw_-."[randomInt(7)];
      const mutated = token.slice(0, at) + (token[at] === replacement ? "Z" : replacement) + token.slice(at + 1);
      if (mutated === token) continue;
      // A change to the claims that moves expiresAt into the past is refused as expired before any MAC call (by
      // design: junk costs no KMS request); every other change is refused as invalid. Neither decides anything.
      const expiry = claimedExpiry(mutated);
      const expected = expiry !== undefined && expiry <= NOW ? "ApprovalLinkExpired" : "ApprovalLinkInvalid";
      assert.equal(await rejectionName(decodeApprovalToken(mutated, mac, NOW)), expected, `mutation at ${at}`);
    }
  });

  it("compares MACs in constant time over equal lengths, and refuses other lengths", () => {
    assert.equal(constantTimeEqual(Buffer.from([1, 2, 3]), Buffer.from([1, 2, 3])), true);
    assert.equal(constantTimeEqual(Buffer.from([1, 2, 3]), Buffer.from([1, 2, 4])), false);
    assert.equal(constantTimeEqual(Buffer.from([1, 2, 3]), Buffer.from([1, 2])), false);
  });

  it("signs with KMS GenerateMac/VerifyMac (HMAC_SHA_256), taking KMSInvalidMacException as a mismatch and passing other errors on", async () => {
    const calls: string[] = [];
    const api: KmsMacApi = {
      generateMac: async (input) => {
        calls.push(`GenerateMac ${input.KeyId} ${input.MacAlgorithm}`);
        return { Mac: await mac.sign(input.Message) };
      },
      verifyMac: async (input) => {
        calls.push(`VerifyMac ${input.KeyId} ${input.MacAlgorithm}`);
        if (await mac.verify(input.Message, input.Mac)) return { MacValid: true };
        throw Object.assign(new Error("invalid"), { name: "KMSInvalidMacException" });
      },
    };
    const kms = kmsMac("arn:aws:kms:us-east-1:123456789012:key/k", api);
    const token = await encodeApprovalToken({ taskToken: TASK_TOKEN, decision: "approve", expiresAt: NOW + 60 }, kms);
    assert.equal((await decodeApprovalToken(token, kms, NOW)).taskToken, TASK_TOKEN);
    const forged = await encodeApprovalToken({ taskToken: TASK_TOKEN, decision: "approve", expiresAt: NOW + 60 }, localMac("x"));
    assert.equal(await rejectionName(decodeApprovalToken(forged, kms, NOW)), "ApprovalLinkInvalid");
    assert.deepEqual(
      new Set(calls),
      new Set([
        "GenerateMac arn:aws:kms:us-east-1:123456789012:key/k HMAC_SHA_256",
        "VerifyMac arn:aws:kms:us-east-1:123456789012:key/k HMAC_SHA_256",
      ]),
    );
    const denied = kmsMac("k", {
      ...api,
      verifyMac: async () => {
        throw Object.assign(new Error("denied"), { name: "AccessDeniedException" });
      },
    });
    assert.equal(await rejectionName(decodeApprovalToken(token, denied, NOW)), "AccessDeniedException");
  });

  it("reads the MAC provider from the environment: the local secret first, else the KMS key, else none", async () => {
    assert.equal(macFromEnvironment({}), undefined);
    assert.ok(macFromEnvironment({ [APPROVAL_KEY_ENV]: "arn:aws:kms:us-east-1:123456789012:key/k" }));
    const local = macFromEnvironment({ [APPROVAL_LOCAL_SECRET_ENV]: SECRET, [APPROVAL_KEY_ENV]: "k" })!;
    const token = await encodeApprovalToken({ taskToken: TASK_TOKEN, decision: "approve", expiresAt: NOW + 60 }, local);
    assert.equal((await decodeApprovalToken(token, mac, NOW)).taskToken, TASK_TOKEN);
    assert.deepEqual(
      [APPROVAL_URL_ENV, APPROVAL_KEY_ENV, APPROVAL_LOCAL_SECRET_ENV],
      ["EDW_APPROVAL_URL", "EDW_APPROVAL_KEY_ID", "EDW_APPROVAL_LOCAL_SECRET"],
    );
  });
});

interface FakeSfn {
  success: { taskToken: string; output: string }[];
  failure: { taskToken: string; error: string; cause: string }[];
  failWith?: string;
}

function fakeSfn(failWith?: string) {
  const state: FakeSfn = { success: [], failure: [], failWith };
  const fail = () => {
    if (state.failWith) throw Object.assign(new Error(`Provided task token ${TASK_TOKEN} is gone`), { name: state.failWith });
  };
  return {
    state,
    api: {
      sendTaskSuccess: async (input: { taskToken: string; output: string }) => {
        fail();
        state.success.push(input);
        return {};
      },
      sendTaskFailure: async (input: { taskToken: string; error: string; cause: string }) => {
        fail();
        state.failure.push(input);
        return {};
      },
    },
  };
}

/** A Function URL event as Lambda delivers it (only what the handler reads varies). */
function urlEvent(method: string, token: string | undefined, body?: string, base64 = false): LambdaFunctionURLEvent {
  const rawQueryString = token === undefined ? "" : `token=${token}`;
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/",
    rawQueryString,
    headers: { "user-agent": "Mozilla/5.0", ...(body === undefined ? {} : { "content-type": "application/x-www-form-urlencoded" }) },
    queryStringParameters: token === undefined ? undefined : { token },
    requestContext: {
      accountId: "anonymous",
      apiId: "abc",
      domainName: "abc.lambda-url.us-east-1.on.aws",
      domainPrefix: "abc",
      http: { method, path: "/", protocol: "HTTP/1.1", sourceIp: "203.0.113.1", userAgent: "Mozilla/5.0" },
      requestId: "r-1",
      routeKey: "$default",
      stage: "$default",
      time: "01/Mar/2030:00:00:00 +0000",
      timeEpoch: NOW * 1000,
    },
    body: body === undefined ? undefined : base64 ? Buffer.from(body).toString("base64") : body,
    isBase64Encoded: base64,
  };
}

describe("the approval endpoint", () => {
  let logs: ApprovalLogEntry[];
  let responses: ApprovalResponse[];
  let links: { approve: string; reject: string };

  function endpoint(sfn = fakeSfn(), nowSeconds = NOW) {
    const handler = approvalEndpointHandler({ mac, sfn: sfn.api, now: () => nowSeconds * 1000, log: (entry) => logs.push(entry) });
    return {
      sfn: sfn.state,
      call: async (event: ApprovalRequest) => {
        const response = await handler(event);
        responses.push(response);
        return response;
      },
    };
  }

  beforeEach(async () => {
    logs = [];
    responses = [];
    links = await approvalLinks("https://abc.lambda-url.us-east-1.on.aws/", TASK_TOKEN, NOW + 3600, mac);
  });

  afterEach(() => {
    // No page and no log line ever holds the task token or a link token.
    const tokens = [TASK_TOKEN, tokenOf(links.approve), tokenOf(links.reject)];
    for (const text of [...responses.map((r) => `${r.body} ${JSON.stringify(r.headers)}`), ...logs.map((l) => JSON.stringify(l))]) {
      for (const secret of tokens) assert.ok(!text.includes(secret), `a response or log holds a token: ${text.slice(0, 200)}`);
    }
  });

  it("answers GET with a confirmation page and completes nothing (mail scanners pre-fetch links)", async () => {
    const { sfn, call } = endpoint();
    for (const link of [links.approve, links.reject]) {
      const response = await call(urlEvent("GET", tokenOf(link)));
      assert.equal(response.statusCode, 200);
      assert.match(response.headers["Content-Type"], /^text\/html/);
      assert.match(response.body, /<form method="post"><input type="hidden" name="confirm" value="(approve|reject)">/);
      assert.match(response.body, /Nothing has been decided yet/);
      assert.equal(response.headers["Cache-Control"], "no-store");
      assert.equal(response.headers["Referrer-Policy"], "no-referrer");
    }
    assert.deepEqual([sfn.success, sfn.failure], [[], []]);
  });

  it("answers HEAD with 200 and does nothing", async () => {
    let verified = 0;
    const sfn = fakeSfn();
    const handler = approvalEndpointHandler({
      mac: {
        sign: mac.sign,
        verify: async (m, s) => {
          verified++;
          return mac.verify(m, s);
        },
      },
      sfn: sfn.api,
      now: () => NOW * 1000,
      log: (entry) => logs.push(entry),
    });
    const response = await handler(urlEvent("HEAD", tokenOf(links.approve)));
    responses.push(response);
    assert.deepEqual([response.statusCode, response.body, verified, sfn.state.success.length], [200, "", 0, 0]);
  });

  it("completes an approved task on POST: SendTaskSuccess once, with the task token and the decision", async () => {
    const { sfn, call } = endpoint();
    const response = await call(urlEvent("POST", tokenOf(links.approve), "confirm=approve"));
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /Approved/);
    assert.equal(sfn.success.length, 1);
    assert.equal(sfn.success[0].taskToken, TASK_TOKEN);
    assert.deepEqual(JSON.parse(sfn.success[0].output), { decision: "approved", decidedAt: new Date(NOW * 1000).toISOString() });
    assert.equal(sfn.failure.length, 0);
    assert.deepEqual(logs.at(-1), { message: "approval decided", outcome: "Approved", decision: "approve", task: shortHash(TASK_TOKEN) });
  });

  it("fails a rejected task on POST: SendTaskFailure with ApprovalRejected (a base64-encoded form body too)", async () => {
    const { sfn, call } = endpoint();
    const response = await call(urlEvent("POST", tokenOf(links.reject), "confirm=reject", true));
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /Rejected/);
    assert.equal(sfn.failure.length, 1);
    assert.equal(sfn.failure[0].taskToken, TASK_TOKEN);
    assert.equal(sfn.failure[0].error, APPROVAL_REJECTED_ERROR);
    assert.match(sfn.failure[0].cause, /Rejected through the approval link/);
    assert.equal(sfn.success.length, 0);
  });

  it("takes the token from the form body as well as from the URL", async () => {
    const { sfn, call } = endpoint();
    const response = await call(urlEvent("POST", undefined, `token=${tokenOf(links.approve)}&confirm=approve`));
    assert.equal(response.statusCode, 200);
    assert.equal(sfn.success.length, 1);
  });

  it("decides nothing on a POST without the page's confirmation, or one confirming the other decision", async () => {
    const { sfn, call } = endpoint();
    for (const body of ["", "confirm=reject", "confirm=yes"]) {
      assert.equal((await call(urlEvent("POST", tokenOf(links.approve), body))).statusCode, 400);
    }
    assert.deepEqual([sfn.success, sfn.failure], [[], []]);
  });

  it("answers 403 to a forged, tampered or missing token, on GET and POST, and completes nothing", async () => {
    const { sfn, call } = endpoint();
    const forged = await approvalLinks("https://x/", TASK_TOKEN, NOW + 3600, localMac("attacker"));
    const [payload, signature] = tokenOf(links.reject).split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const tampered = `${Buffer.from(JSON.stringify({ ...claims, decision: "approve" })).toString("base64url")}.${signature}`;
    for (const token of [tokenOf(forged.approve), tampered, undefined, "garbage"]) {
      for (const [method, body] of [
        ["GET", undefined],
        ["POST", "confirm=approve"],
      ] as const) {
        const response = await call(urlEvent(method, token, body));
        assert.equal(response.statusCode, 403, `${method} ${token?.slice(0, 20)}`);
        assert.match(response.body, /This link is not valid/);
      }
    }
    assert.deepEqual([sfn.success, sfn.failure], [[], []]);
  });

  it("answers 410 to an expired link, and completes nothing", async () => {
    const { sfn, call } = endpoint(fakeSfn(), NOW + 3600);
    assert.equal((await call(urlEvent("GET", tokenOf(links.approve)))).statusCode, 410);
    const response = await call(urlEvent("POST", tokenOf(links.approve), "confirm=approve"));
    assert.equal(response.statusCode, 410);
    assert.match(response.body, /expired/);
    assert.deepEqual([sfn.success, sfn.failure], [[], []]);
  });

  it("answers 409 when the task no longer waits (decided, timed out, execution ended)", async () => {
    for (const name of ["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"]) {
      const { call } = endpoint(fakeSfn(name));
      for (const [link, decision] of [
        [links.approve, "approve"],
        [links.reject, "reject"],
      ] as const) {
        const response = await call(urlEvent("POST", tokenOf(link), `confirm=${decision}`));
        assert.equal(response.statusCode, 409, name);
        assert.match(response.body, /no longer waits for a decision/);
      }
      assert.equal(logs.at(-1)?.errorName, name);
    }
  });

  it("answers 502 when Step Functions fails otherwise, logging the error's name only", async () => {
    const { call } = endpoint(fakeSfn("ThrottlingException"));
    const response = await call(urlEvent("POST", tokenOf(links.approve), "confirm=approve"));
    assert.equal(response.statusCode, 502);
    assert.deepEqual(logs.at(-1), {
      message: "approval could not be recorded",
      outcome: "SendFailed",
      decision: "approve",
      task: shortHash(TASK_TOKEN),
      errorName: "ThrottlingException",
    });
  });

  it("answers 405 to other methods and 500 when no signing key is configured", async () => {
    const { call } = endpoint();
    const put = await call(urlEvent("PUT", tokenOf(links.approve), "confirm=approve"));
    assert.deepEqual([put.statusCode, put.headers.Allow], [405, "GET, HEAD, POST"]);
    const saved = { key: process.env[APPROVAL_KEY_ENV], secret: process.env[APPROVAL_LOCAL_SECRET_ENV] };
    delete process.env[APPROVAL_LOCAL_SECRET_ENV];
    delete process.env[APPROVAL_KEY_ENV];
    try {
      const unconfigured = approvalEndpointHandler({ sfn: fakeSfn().api, log: (entry) => logs.push(entry) });
      const response = await unconfigured(urlEvent("GET", tokenOf(links.approve)));
      responses.push(response);
      assert.equal(response.statusCode, 500);
    } finally {
      if (saved.key !== undefined) process.env[APPROVAL_KEY_ENV] = saved.key;
      if (saved.secret !== undefined) process.env[APPROVAL_LOCAL_SECRET_ENV] = saved.secret;
    }
  });
});

describe("the approval endpoint's deployed artifact", function () {
  this.timeout(60_000);
  const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/approval";
  let folder: string;
  let source: string;
  const saved = { key: process.env[APPROVAL_KEY_ENV], secret: process.env[APPROVAL_LOCAL_SECRET_ENV] };
  const restoreEnvironment = () => {
    for (const [name, value] of [
      [APPROVAL_KEY_ENV, saved.key],
      [APPROVAL_LOCAL_SECRET_ENV, saved.secret],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };

  /** Stand-ins for the runtime's @aws-sdk/client-kms and @aws-sdk/client-sfn, recording on globalThis.__approvalSdk. */
  function writeFakeSdk(root: string) {
    const kms = join(root, "node_modules", "@aws-sdk", "client-kms");
    const sfn = join(root, "node_modules", "@aws-sdk", "client-sfn");
    mkdirSync(kms, { recursive: true });
    mkdirSync(sfn, { recursive: true });
    const record = "const rec = (globalThis.__approvalSdk ??= { clients: [], calls: [] });";
    writeFileSync(
      join(kms, "index.js"),
      `${record}
const { createHmac, timingSafeEqual } = require("node:crypto");
const hmac = (m) => createHmac("sha256", ${JSON.stringify(SECRET)}).update(m).digest();
class GenerateMacCommand { constructor(input) { this.input = input; this.name = "GenerateMac"; } }
class VerifyMacCommand { constructor(input) { this.input = input; this.name = "VerifyMac"; } }
class KMSClient {
  constructor() { rec.clients.push("kms"); }
  async send(c) {
    rec.calls.push(c.name + " " + c.input.KeyId + " " + c.input.MacAlgorithm);
    if (c.name === "GenerateMac") return { Mac: hmac(c.input.Message) };
    const mac = Buffer.from(c.input.Mac), expected = hmac(c.input.Message);
    if (mac.length === expected.length && timingSafeEqual(mac, expected)) return { MacValid: true };
    throw Object.assign(new Error("invalid mac"), { name: "KMSInvalidMacException" });
  }
}
module.exports = { KMSClient, GenerateMacCommand, VerifyMacCommand };
`,
    );
    writeFileSync(
      join(sfn, "index.js"),
      `${record}
class SendTaskSuccessCommand { constructor(input) { this.input = input; this.name = "SendTaskSuccess"; } }
class SendTaskFailureCommand { constructor(input) { this.input = input; this.name = "SendTaskFailure"; } }
class SFNClient {
  constructor() { rec.clients.push("sfn"); }
  async send(c) { rec.calls.push(c.name + " " + c.input.taskToken); return {}; }
}
module.exports = { SFNClient, SendTaskSuccessCommand, SendTaskFailureCommand };
`,
    );
  }

  before(async () => {
    const built = await buildStepArchive(approvalEndpointHandler(), {
      stepName: "approval-link",
      bundle: [],
      sizeBudgetBytes: 1024 * 1024,
    });
    source = built.source;
    folder = mkdtempSync(join(tmpdir(), "edw-approval-"));
    writeFileSync(join(folder, "__index.js"), source);
    writeFakeSdk(folder);
  });

  after(() => {
    rmSync(folder, { recursive: true, force: true });
    restoreEnvironment();
    delete (globalThis as any).__approvalSdk;
  });

  it("holds the serialized handler and requires only the runtime's AWS SDK, never the library", () => {
    assert.deepEqual(requiredPackages(source), ["@aws-sdk/client-kms", "@aws-sdk/client-sfn"]);
    assert.ok(!source.includes("event-driven-workflow"));
  });

  it("verifies with the KMS key of its environment and completes the task through SFN, creating each client once", async () => {
    process.env[APPROVAL_KEY_ENV] = KEY_ARN;
    delete process.env[APPROVAL_LOCAL_SECRET_ENV];
    (globalThis as any).__approvalSdk = { clients: [], calls: [] };
    const { handler } = require(join(folder, "__index.js")) as { handler: (event: ApprovalRequest) => Promise<ApprovalResponse> };
    const now = Math.floor(Date.now() / 1000);
    const links = await approvalLinks("https://abc.lambda-url.us-east-1.on.aws/", TASK_TOKEN, now + 600, mac);
    const logged: string[] = [];
    const log = console.log;
    console.log = (line: string) => logged.push(line);
    let responses: ApprovalResponse[];
    try {
      responses = [
        await handler(urlEvent("GET", tokenOf(links.approve))),
        await handler(urlEvent("POST", tokenOf(links.approve), "confirm=approve")),
        await handler(urlEvent("POST", tokenOf(links.reject), "confirm=reject")),
        await handler(urlEvent("GET", "forged.AAAA")),
      ];
    } finally {
      console.log = log;
    }
    assert.deepEqual(
      responses.map((r) => r.statusCode),
      [200, 200, 200, 403],
    );
    const sdk = (globalThis as any).__approvalSdk as { clients: string[]; calls: string[] };
    assert.deepEqual(sdk.clients, ["kms", "sfn"]);
    assert.deepEqual(sdk.calls, [
      `VerifyMac ${KEY_ARN} HMAC_SHA_256`,
      `VerifyMac ${KEY_ARN} HMAC_SHA_256`,
      `SendTaskSuccess ${TASK_TOKEN}`,
      `VerifyMac ${KEY_ARN} HMAC_SHA_256`,
      `SendTaskFailure ${TASK_TOKEN}`,
    ]);
    assert.equal(logged.length, 4);
    for (const line of logged) assert.ok(!line.includes(TASK_TOKEN) && !line.includes(tokenOf(links.approve)), line);
    assert.deepEqual(
      logged.map((line) => JSON.parse(line).outcome),
      ["Confirm", "Approved", "Rejected", "Invalid"],
    );
  });
});
