/**
 * The Amazon States Language model of the library: one type per state kind, with the fields the compiler emits
 * and the local runner, the graph and the policy pack read. JSONPath flavour (the compiler's); fields of the
 * JSONata flavour are not modelled and pass through untouched as {@link AslObject} data.
 *
 * Two views of a definition: the typed one ({@link AslDefinition}, what `compileDefinition` returns) and the loose
 * one ({@link AslObject}, anything parsed from JSON that nobody has checked: a hand-written definition, a resource
 * property under policy). The walker (walk.ts) reads the loose view, so it serves both.
 */

/** A JSON object nobody has checked yet: a definition, a scope or a state from an untrusted source. */
export type AslObject = Record<string, unknown>;

/** A Retrier: the errors it retries and how. */
export type AslRetrier = {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: "FULL" | "NONE";
};

/** A Catcher: the errors it catches, where it goes, and where the error output goes. */
export type AslCatcher = {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
};

/** How a state leaves: to `Next`, or by ending its scope. */
export type AslTransition = { Next: string; End?: never } | { End: true; Next?: never };

// Type literals, not interfaces: only those are assignable to AslObject (see AslState).
/** Fields every state may set. */
type StateBase = {
  Comment?: string;
  InputPath?: string | null;
  OutputPath?: string | null;
};

/** Fields of the states that can fail and be retried or caught (Task, Parallel, Map). */
type ErrorHandling = {
  Retry?: AslRetrier[];
  Catch?: AslCatcher[];
};

/** A Task: a Lambda function ARN or a service integration ARN (see integrations.ts) as `Resource`. */
export type AslTaskState = StateBase &
  ErrorHandling &
  AslTransition & {
    Type: "Task";
    Resource: string;
    Parameters?: AslObject;
    ResultPath?: string | null;
    TimeoutSeconds?: number;
    TimeoutSecondsPath?: string;
    HeartbeatSeconds?: number;
  };

/** A nested state list: a Parallel branch, or a Map's ItemProcessor / Iterator. */
export interface AslScope {
  StartAt: string;
  States: Record<string, AslState>;
}

/** A Parallel: each branch runs on the same input; the output is the array of the branches' outputs. */
export type AslParallelState = StateBase &
  ErrorHandling &
  AslTransition & {
    Type: "Parallel";
    Branches: AslScope[];
    ResultPath?: string | null;
  };

/** A Map: the item processor runs once per item of `ItemsPath`. `Iterator` is the legacy name of `ItemProcessor`. */
export type AslMapState = StateBase &
  ErrorHandling &
  AslTransition & {
    Type: "Map";
    ItemsPath?: string;
    ItemProcessor?: AslScope & { ProcessorConfig?: { Mode: "INLINE" | "DISTRIBUTED"; ExecutionType?: "STANDARD" | "EXPRESS" } };
    Iterator?: AslScope;
    /** A payload template building each iteration's input (`$$.Map.Item.Value`, `$$.Map.Item.Index`). */
    ItemSelector?: AslObject;
    MaxConcurrency?: number;
    /** Distributed Map only: the percentage (0 to 100) of items that may fail. */
    ToleratedFailurePercentage?: number;
    /** Distributed Map only: the number of items that may fail. */
    ToleratedFailureCount?: number;
    /** Distributed Map only: where the items are read from in S3, in place of `ItemsPath`. */
    ItemReader?: AslObject;
    /** Distributed Map only: how items are grouped per child execution. */
    ItemBatcher?: AslObject;
    /** Distributed Map only: where the results are written in S3. */
    ResultWriter?: AslObject;
    ResultPath?: string | null;
  };

/** A Choice rule: a comparison (`Variable` with `StringEquals`, `NumericGreaterThan`, ...) or `And`/`Or`/`Not`, and `Next`. */
export type AslChoiceRule = AslObject & { Next: string };

/** A Choice: the first matching rule's `Next`, else `Default`. Never `Next` or `End` of its own. */
export type AslChoiceState = StateBase & {
  Type: "Choice";
  Choices: AslChoiceRule[];
  Default?: string;
};

/** A Wait: for `Seconds`, or until the timestamp at `TimestampPath` (or the `*Path`/literal variants). */
export type AslWaitState = StateBase &
  AslTransition & {
    Type: "Wait";
    Seconds?: number;
    SecondsPath?: string;
    Timestamp?: string;
    TimestampPath?: string;
  };

/** A Pass: `Result` (or its input) placed at `ResultPath`. */
export type AslPassState = StateBase &
  AslTransition & {
    Type: "Pass";
    Result?: unknown;
    ResultPath?: string | null;
    Parameters?: AslObject;
  };

/** A Succeed: ends its scope successfully. */
export type AslSucceedState = StateBase & { Type: "Succeed" };

/** A Fail: ends the execution (or its branch) with `Error` and `Cause`. */
export type AslFailState = { Type: "Fail"; Comment?: string; Error?: string; Cause?: string };

/** The state kinds the library models, discriminated by `Type`. */
export type AslStateKind =
  | AslTaskState
  | AslParallelState
  | AslMapState
  | AslChoiceState
  | AslWaitState
  | AslPassState
  | AslSucceedState
  | AslFailState;

/**
 * One ASL state: one of the modelled kinds, narrowed by `Type`. ASL allows more fields than the library models
 * (`ResultSelector`, `QueryLanguage`, `Assign`, ...), and readers look up fields of any kind before narrowing
 * (`state.Retry`), so any other field reads as `unknown`.
 *
 * @example
 * const state = definition.States.ChargeCard;
 * if (state.Type === "Task") console.log(state.Resource, state.TimeoutSeconds);
 */
export type AslState = AslStateKind & AslObject;

/** The state kinds: `AslState["Type"]`. */
export type AslStateType = AslStateKind["Type"];

/** The state of kind `T`, e.g. `AslStateOf<"Task">` is {@link AslTaskState}. */
export type AslStateOf<T extends AslStateType> = Extract<AslStateKind, { Type: T }>;

/** A state machine definition as a plain object; `JSON.stringify` it to deploy. */
export interface AslDefinition extends AslScope {
  Comment?: string;
  TimeoutSeconds?: number;
}
