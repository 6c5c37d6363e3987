/**
 * Approval links (Lambda time, pure, no AWS call of its own): a `waitForCallback` step can mail two links, approve
 * and reject, that complete its task when opened. Each link carries a signed, expiring token:
 *
 *     token = base64url(JSON claims) + "." + base64url(MAC over the first part)
 *     claims = { taskToken, decision, expiresAt }       (expiresAt in epoch seconds)
 *
 * The MAC comes from a {@link MacProvider}: in AWS a KMS HMAC key ({@link kmsMac}, the key never leaves KMS), in the
 * local runner and the tests an HMAC-SHA256 over a local secret ({@link localMac}). The claims are encoded, not
 * encrypted: the link is a bearer credential for one decision on one task, and whoever holds it may make that decision
 * until it expires. Using the task token inside it directly would take `states:SendTask*` rights in the account.
 *
 * The environment contract between deploy time and the Lambdas is here too: {@link APPROVAL_URL_ENV},
 * {@link APPROVAL_KEY_ENV} and {@link APPROVAL_LOCAL_SECRET_ENV}, read by {@link macFromEnvironment}.
 */

/** What an approval link decides. */
export type Decision = "approve" | "reject";

/** The decisions a link may carry. */
export const DECISIONS: readonly Decision[] = ["approve", "reject"];

/** Computes and checks message authentication codes; the key stays with the provider. */
export interface MacProvider {
  sign(message: Uint8Array): Promise<Uint8Array>;
  verify(message: Uint8Array, mac: Uint8Array): Promise<boolean>;
}

/** Environment variable holding the approval endpoint's URL (the Function URL), set on the Lambdas that create links. */
export const APPROVAL_URL_ENV = "EDW_APPROVAL_URL";
/** Environment variable holding the KMS HMAC key (id or ARN) that signs and verifies links. */
export const APPROVAL_KEY_ENV = "EDW_APPROVAL_KEY_ID";
/** Environment variable holding the local runner's signing secret, the local stand-in for the KMS key. Never set in AWS. */
export const APPROVAL_LOCAL_SECRET_ENV = "EDW_APPROVAL_LOCAL_SECRET";

/** The `name` of the error a malformed, forged or tampered link fails with. */
export const APPROVAL_LINK_INVALID = "ApprovalLinkInvalid";
/** The `name` of the error an expired (but authentic) link fails with. */
export const APPROVAL_LINK_EXPIRED = "ApprovalLinkExpired";

/** The longest link token accepted; longer input is refused before any MAC is computed. */
export const MAX_APPROVAL_TOKEN_LENGTH = 8192;
/** KMS GenerateMac and VerifyMac take messages of at most 4096 bytes: the encoded claims must fit. */
export const MAX_SIGNED_CLAIMS_BYTES = 4096;

/** The MAC algorithm of the approval key (an HMAC_256 key supports this one only). */
export const APPROVAL_MAC_ALGORITHM = "HMAC_SHA_256";

/** The signed content of a link. */
export interface ApprovalClaims {
  taskToken: string;
  decision: Decision;
  /** Epoch seconds after which the link no longer decides anything. */
  expiresAt: number;
}

/**
 * Encodes and signs a link token.
 *
 * @example
 * const token = await encodeApprovalToken({ taskToken, decision: "approve", expiresAt: now + 86_400 }, mac);
 */
export async function encodeApprovalToken(claims: ApprovalClaims, mac: MacProvider): Promise<string> {
  if (typeof claims.taskToken !== "string" || claims.taskToken.length === 0) throw new TypeError("an approval link needs the task token");
  if (!DECISIONS.includes(claims.decision))
    throw new TypeError(`an approval link decides "approve" or "reject", not ${String(claims.decision)}`);
  if (typeof claims.expiresAt !== "number" || !Number.isFinite(claims.expiresAt)) {
    throw new TypeError("an approval link needs expiresAt, in epoch seconds");
  }
  const payload = base64url(
    Buffer.from(JSON.stringify({ taskToken: claims.taskToken, decision: claims.decision, expiresAt: claims.expiresAt })),
  );
  if (payload.length > MAX_SIGNED_CLAIMS_BYTES) {
    throw new RangeError(
      `the approval link's claims take ${payload.length} bytes; KMS signs at most ${MAX_SIGNED_CLAIMS_BYTES} (is the task token longer than Step Functions' 2048 characters?)`,
    );
  }
  const signature = await mac.sign(Buffer.from(payload, "ascii"));
  return `${payload}.${base64url(signature)}`;
}

/** The length of an HMAC_SHA_256 MAC, in bytes: a link whose signature has another length is refused unverified. */
export const APPROVAL_MAC_BYTES = 32;
/** Step Functions task tokens are at most 2,048 characters (the SendTask* APIs' limit). */
export const MAX_TASK_TOKEN_LENGTH = 2048;

/**
 * Checks a link token and returns what it decides. Everything that can be judged without the key is judged first, so
 * that junk costs no KMS call (a public URL may be flooded with it): the length, the base64url encoding, a 32-byte
 * signature, claims that are JSON with exactly the three fields of the right types, and the expiry. Only a token that
 * passes all of these is verified with the key; a forged one is refused as invalid whatever its claims say, and an
 * expired one as expired without a KMS call (unverified: it decides nothing either way).
 *
 * @throws an Error named {@link APPROVAL_LINK_INVALID} (malformed, bad signature, tampered claims, unknown decision)
 *   or {@link APPROVAL_LINK_EXPIRED} (`nowSeconds` is at or past its `expiresAt`). Messages never quote the token.
 */
export async function decodeApprovalToken(
  token: string,
  mac: MacProvider,
  nowSeconds: number,
): Promise<{ taskToken: string; decision: Decision; expiresAt: number }> {
  const claims = unverifiedClaims(token);
  if (nowSeconds >= claims.expiresAt) throw approvalLinkError(APPROVAL_LINK_EXPIRED, "the approval link has expired");
  if (!(await mac.verify(Buffer.from(claims.payload, "ascii"), claims.signature))) {
    throw approvalLinkError(APPROVAL_LINK_INVALID, "the approval link's signature does not match");
  }
  return { taskToken: claims.taskToken, decision: claims.decision, expiresAt: claims.expiresAt };
}

/** The parts and claims of a well-formed token, not yet verified; throws ApprovalLinkInvalid for anything else. */
function unverifiedClaims(token: string): ApprovalClaims & { payload: string; signature: Buffer } {
  const malformed = (what: string) => approvalLinkError(APPROVAL_LINK_INVALID, `the approval link is malformed (${what})`);
  if (typeof token !== "string" || token.length === 0 || token.length > MAX_APPROVAL_TOKEN_LENGTH) throw malformed("length");
  const parts = token.split(".");
  if (parts.length !== 2) throw malformed("structure");
  const [payload, signaturePart] = parts;
  const claimsBytes = fromBase64url(payload);
  const signature = fromBase64url(signaturePart);
  if (claimsBytes === undefined || signature === undefined || payload.length > MAX_SIGNED_CLAIMS_BYTES) throw malformed("encoding");
  if (signature.length !== APPROVAL_MAC_BYTES) throw malformed("signature length");
  let claims: unknown;
  try {
    claims = JSON.parse(claimsBytes.toString("utf8"));
  } catch {
    throw approvalLinkError(APPROVAL_LINK_INVALID, "the approval link's claims are not JSON");
  }
  const fields = typeof claims === "object" && claims !== null && !Array.isArray(claims) ? Object.keys(claims).sort().join() : "";
  const { taskToken, decision, expiresAt } = (claims ?? {}) as Partial<Record<keyof ApprovalClaims, unknown>>;
  if (
    fields !== "decision,expiresAt,taskToken" ||
    typeof taskToken !== "string" ||
    taskToken.length === 0 ||
    taskToken.length > MAX_TASK_TOKEN_LENGTH ||
    typeof expiresAt !== "number" ||
    !Number.isFinite(expiresAt)
  ) {
    throw approvalLinkError(APPROVAL_LINK_INVALID, "the approval link's claims are incomplete");
  }
  if (!DECISIONS.includes(decision as Decision)) throw approvalLinkError(APPROVAL_LINK_INVALID, "the approval link's decision is unknown");
  return { payload, signature, taskToken, decision: decision as Decision, expiresAt };
}

/**
 * The approve and reject links of a waiting task: `${baseUrl}?token=...` each (`&token=` when the URL has a query).
 *
 * @example
 * const links = await approvalLinks(process.env[APPROVAL_URL_ENV]!, context.taskToken, Math.floor(Date.now() / 1000) + 3600, macFromEnvironment()!);
 * // mail links.approve and links.reject
 */
export async function approvalLinks(
  baseUrl: string,
  taskToken: string,
  expiresAt: number,
  mac: MacProvider,
): Promise<{ approve: string; reject: string }> {
  const separator = baseUrl.includes("?") ? "&" : "?";
  const link = async (decision: Decision) =>
    `${baseUrl}${separator}token=${await encodeApprovalToken({ taskToken, decision, expiresAt }, mac)}`;
  return { approve: await link("approve"), reject: await link("reject") };
}

/**
 * HMAC-SHA256 over a local secret with node:crypto: the LOCAL SIMULATION of the KMS HMAC key, for the local runner
 * and tests only. In AWS the links are signed and checked by KMS ({@link kmsMac}), whose key never leaves it.
 */
export function localMac(secret: string): MacProvider {
  if (typeof secret !== "string" || secret.length === 0) throw new TypeError("localMac needs a non-empty secret");
  const hmac = (message: Uint8Array): Buffer => {
    const { createHmac } = require("node:crypto") as typeof import("node:crypto");
    return createHmac("sha256", secret).update(message).digest();
  };
  return {
    sign: async (message) => new Uint8Array(hmac(message)),
    verify: async (message, mac) => constantTimeEqual(hmac(message), mac),
  };
}

/** The two KMS calls {@link kmsMac} makes, as the AWS SDK's KMS client answers them. */
export interface KmsMacApi {
  generateMac(input: { KeyId: string; Message: Uint8Array; MacAlgorithm: string }): Promise<{ Mac?: Uint8Array }>;
  /** Resolves `MacValid: true`, or rejects with `KMSInvalidMacException` when the MAC does not match. */
  verifyMac(input: { KeyId: string; Message: Uint8Array; Mac: Uint8Array; MacAlgorithm: string }): Promise<{ MacValid?: boolean }>;
}

/**
 * MACs from a KMS HMAC key (`GenerateMac`/`VerifyMac`, HMAC_SHA_256). `@aws-sdk/client-kms` is loaded at the first
 * call (the Lambda runtime provides it; nothing loads it at deploy time) and its client is created once per container.
 *
 * @param api the KMS calls; @default the AWS SDK's KMS client
 */
export function kmsMac(keyId: string, api?: KmsMacApi): MacProvider {
  // A captured object, not a `let`: Pulumi's closure serialization would rebuild a `let` on every call.
  const container: { api?: KmsMacApi } = { api };
  const kms = (): KmsMacApi => (container.api ??= sdkKmsMacApi());
  return {
    sign: async (message) => {
      const { Mac } = await kms().generateMac({ KeyId: keyId, Message: message, MacAlgorithm: APPROVAL_MAC_ALGORITHM });
      if (!Mac) throw new Error("KMS GenerateMac returned no MAC");
      return Mac;
    },
    verify: async (message, mac) => {
      try {
        const { MacValid } = await kms().verifyMac({ KeyId: keyId, Message: message, Mac: mac, MacAlgorithm: APPROVAL_MAC_ALGORITHM });
        return MacValid === true;
      } catch (error) {
        // KMS answers a MAC that does not match with this exception; anything else (access, key state) is no verdict.
        if ((error as { name?: unknown })?.name === "KMSInvalidMacException") return false;
        throw error;
      }
    },
  };
}

/** The KMS client of the AWS SDK the Lambda runtime ships, loaded on first use. */
function sdkKmsMacApi(): KmsMacApi {
  const sdk = require("@aws-sdk/client-kms") as {
    KMSClient: new (config: object) => { send(command: unknown): Promise<unknown> };
    GenerateMacCommand: new (input: object) => unknown;
    VerifyMacCommand: new (input: object) => unknown;
  };
  const client = new sdk.KMSClient({});
  return {
    generateMac: (input) => client.send(new sdk.GenerateMacCommand(input)) as Promise<{ Mac?: Uint8Array }>,
    verifyMac: (input) => client.send(new sdk.VerifyMacCommand(input)) as Promise<{ MacValid?: boolean }>,
  };
}

/**
 * The MAC provider the environment configures: the local secret first (the local runner), else the KMS key, else
 * none (approval links are not configured).
 */
export function macFromEnvironment(env: Record<string, string | undefined> = process.env): MacProvider | undefined {
  const secret = env[APPROVAL_LOCAL_SECRET_ENV];
  if (secret) return localMac(secret);
  const keyId = env[APPROVAL_KEY_ENV];
  if (keyId) return kmsMac(keyId);
  return undefined;
}

/** Compares two byte strings in time that depends on their lengths only. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

function approvalLinkError(name: typeof APPROVAL_LINK_INVALID | typeof APPROVAL_LINK_EXPIRED, message: string): Error {
  return Object.assign(new Error(message), { name });
}

const base64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");

/** The bytes of a canonical, non-empty base64url string, or undefined. */
function fromBase64url(text: string): Buffer | undefined {
  if (text.length === 0 || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64url");
  // Node decodes leniently: only the canonical spelling of some bytes is accepted, so no two tokens mean the same.
  return bytes.toString("base64url") === text ? bytes : undefined;
}

/** Tells Pulumi to serialize this module into Lambda archives by value, never as a `require` of the library. */
export const deploymentOnlyModule = true;
