/**
 * The compile-time model of a step list: what the builders record in the types of the steps they return (names,
 * targets, handler input and output, paths), and the checks `tsc` runs over a whole list (`CheckedSteps`): every
 * reference names a step of its scope, and what flows into a task satisfies the task's input. Types only: nothing
 * here exists at run time, where `validateSteps` stays the guard (plain JavaScript, lists built dynamically).
 */
import type { EventBridgeEvent } from "aws-lambda";
import type { Catch, Step, StepKind, TaskStep } from "./types";

export type { EventBridgeEvent } from "aws-lambda";

/** The key of the compile-time record of a step. Declared only: no step carries it at run time. */
export declare const stepTypes: unique symbol;

/** What the compiler knows of a step; `never` where the step has no such reference. */
export interface StepTypeInfo {
  kind: StepKind;
  name: string;
  /** The `next` step; `never` when not given. */
  next: string;
  /** Whether `end: true` was given. */
  end: boolean;
  /** The catch rules, for their targets and result paths. */
  catches: readonly Catch[];
  /** A Choice's targets (`next` of each rule and `otherwise`). */
  choiceTargets: string;
  /** The handler's input and output (tasks only). */
  input: unknown;
  output: unknown;
  inputPath: string | undefined;
  resultPath: string | null | undefined;
  outputPath: string | undefined;
  /** The `parameters` payload template given as a literal (tasks, pass); undefined when not given. */
  parameters: unknown;
  /** The `resultSelector` payload template given as a literal (tasks); undefined when not given. */
  resultSelector: unknown;
  /** The nested step lists: a Parallel's branches, a Map's steps (as one list). */
  scopes: readonly (readonly Step[])[];
}

/** A step with its compile-time record (an optional, declared-only property). */
export interface Typed<T> {
  readonly [stepTypes]?: T;
}

/**
 * A task step with its compile-time record, as `task` and `waitForCallback` return it. A named alias, so that `tsc`
 * prints a step in an error as `TypedTask<"Receipt", Charge, { receiptFor: string; }, ...>` (name, input, output
 * first) rather than the whole record with its field names.
 */
export type TypedTask<
  Name extends string,
  I,
  O,
  Next extends string,
  End extends boolean,
  Catches extends readonly Catch[],
  InputPath extends string | undefined,
  ResultPath extends string | null | undefined,
  OutputPath extends string | undefined,
  Parameters,
  ResultSelector,
> = TaskStep &
  Typed<
    StepInfo<{
      kind: "task";
      name: Name;
      next: Next;
      end: End;
      catches: Catches;
      input: I;
      output: O;
      inputPath: InputPath;
      resultPath: ResultPath;
      outputPath: OutputPath;
      parameters: Parameters;
      resultSelector: ResultSelector;
    }>
  >;

/** What a builder records: the given fields, the others as "none" (no reference, untyped payload, default paths). */
export type StepInfo<Given extends Partial<StepTypeInfo>> = {
  [K in keyof StepTypeInfo]: K extends keyof Given ? Given[K] : NoInfo[K];
};

interface NoInfo extends StepTypeInfo {
  next: never;
  end: false;
  catches: [];
  choiceTargets: never;
  input: any;
  output: any;
  inputPath: undefined;
  resultPath: undefined;
  outputPath: undefined;
  parameters: undefined;
  resultSelector: undefined;
  scopes: [];
}

/** The record of a step built by a typed builder; `never` for a plain `Step` (its checks step aside). */
type InfoOf<E> = typeof stepTypes extends keyof E ? Extract<E[typeof stepTypes & keyof E], StepTypeInfo> : never;

/** The name of a step; `string` (anything goes) when its name is not known to the compiler. */
type NameOf<E> = [InfoOf<E>] extends [never] ? string : InfoOf<E> extends { name: infer N } ? N : string;

/** The names of a scope's steps. */
type NamesOf<S extends readonly Step[]> = NameOf<S[number]>;

/** An error for each reference `R` (a union of names) of `field` that names no step of `names`. */
type BadReference<Field extends string, R, Names> = R extends string
  ? string extends R
    ? never
    : R extends Names
      ? never
      : `${Field}: "${R}" names no step of this list`
  : never;

type CatchTargets<C> = C extends readonly (infer Rule)[] ? (Rule extends { next: infer N } ? N : never) : never;

/** The reference errors of one step: its `next`, its catches' and its Choice's targets. */
type ReferenceErrors<T extends StepTypeInfo, Names> =
  | BadReference<"next", T["next"], Names>
  | BadReference<"catch next", CatchTargets<T["catches"]>, Names>
  | BadReference<"choice target", T["choiceTargets"], Names>;

// ---------------------------------------------------------------------------------------------------------------
// Paths. Only plain `$.a.b` paths are typed; anything else (brackets, wildcards, filters, a `string`) is `Dynamic`
// and the payload check steps aside (`any`).

type Dynamic = "dynamic";

/** The keys of a `$.a.b` path: `[]` for `$`, `Dynamic` for any other JSONPath. */
type PathKeys<P> = P extends undefined | "$" ? [] : string extends P ? Dynamic : P extends `$.${infer Rest}` ? SplitKeys<Rest> : Dynamic;

type SplitKeys<S extends string> = S extends `${string}${"[" | "]" | "*" | "$" | "@" | "?" | " "}${string}`
  ? Dynamic
  : S extends `${infer Head}.${infer Tail}`
    ? Head extends ""
      ? Dynamic
      : SplitKeys<Tail> extends infer Rest
        ? Rest extends string[]
          ? [Head, ...Rest]
          : Dynamic
        : Dynamic
    : S extends ""
      ? Dynamic
      : [S];

/** Whether `T` is `any` (the check steps aside). */
type IsAny<T> = 0 extends 1 & T ? true : false;

/** The part of `T` at `keys` (`undefined` where `T` has no such field). */
type GetAt<T, Keys> =
  IsAny<T> extends true
    ? any
    : Keys extends [infer K extends string, ...infer Rest]
      ? T extends unknown
        ? K extends keyof T
          ? GetAt<T[K], Rest>
          : undefined
        : never
      : T;

/** `T` with `value` written at `keys` (what a `resultPath` does). */
type SetAt<T, Keys, V> = Keys extends [infer K extends string, ...infer Rest]
  ? IsAny<T> extends true
    ? any
    : T extends unknown
      ? Omit<T, K> & { [Key in K]: SetAt<K extends keyof T ? T[K] : unknown, Rest, V> }
      : never
  : V;

/** The part of a state selected by an `inputPath`. */
type Select<T, P> = PathKeys<P> extends infer Keys ? (Keys extends Dynamic ? any : GetAt<T, Keys>) : never;

/** A state after a result is placed at a `resultPath` (`null`: the input passes through). */
type PlaceResult<In, P, Result> = P extends null
  ? In
  : PathKeys<P> extends infer Keys
    ? Keys extends Dynamic
      ? any
      : SetAt<In, Keys, Result>
    : never;

/**
 * What a payload template builds from `In`: each `key.$` becomes `key` holding the value at its path, fixed values keep
 * their types, nested objects are shaped in turn. A Context Object path (`$$...`), an intrinsic function other than
 * `States.Format` (a string), or a path that is not plain `$.a.b` is `any`: the check steps aside there.
 */
type Shaped<In, Template> = Template extends undefined
  ? In
  : Template extends Record<string, unknown>
    ? {
        -readonly [K in keyof Template as K extends `${infer Base}.$` ? Base : K]: K extends `${string}.$`
          ? TemplateValue<In, Template[K]>
          : ShapedField<In, Template[K]>;
      }
    : any;

type ShapedField<In, V> = V extends readonly unknown[] ? any : V extends Record<string, unknown> ? Shaped<In, V> : V;

type TemplateValue<In, V> = V extends `$$${string}`
  ? any
  : V extends `States.Format(${string}`
    ? string
    : V extends `States.${string}`
      ? any
      : Select<In, V>;

/** The error object a Catch writes. */
interface CaughtError {
  Error: string;
  Cause: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Flow: the edges of a scope and the state type reaching each step.

type EndsByItself = "succeed" | "fail" | "choice";

/** The normal-flow successors of a step: its `next`, else the following step of the list unless it ends. */
type FlowTargets<T extends StepTypeInfo, Following> = [T["next"]] extends [never]
  ? T["kind"] extends EndsByItself
    ? T["choiceTargets"]
    : T["end"] extends true
      ? never
      : Following
  : T["next"];

/** One edge per target (a union), none for `never`. */
type FlowEdges<T extends StepTypeInfo, To> = To extends string ? { from: T; to: To; catchResultPath: "flow" } : never;

type CatchEdges<T extends StepTypeInfo> = T["catches"] extends readonly (infer Rule)[]
  ? Rule extends { next: infer N extends string; resultPath?: infer P }
    ? { from: T; to: N; catchResultPath: P extends string ? P : undefined }
    : never
  : never;

/** Every edge of a tuple scope. */
type EdgesOf<S extends readonly Step[]> = {
  [K in keyof S]: StepEdges<InfoOf<S[K]>, K extends keyof Tail<S> ? NameOf<Tail<S>[K]> : never>;
}[number];

/** The list without its first step: `Tail<S>[K]` is the step following `S[K]`. */
type Tail<S extends readonly Step[]> = S extends readonly [unknown, ...infer Rest] ? Rest : [];

type StepEdges<T, Following> = T extends StepTypeInfo ? FlowEdges<T, FlowTargets<T, Following>> | CatchEdges<T> : never;

/** How far back the state type is followed; beyond it the check steps aside. */
type Depth = [0, 0, 0, 0, 0, 0, 0, 0];

/**
 * The state output by a step whose input is `In`. Past a step other than a task that selects its input or output
 * (`inputPath`, `outputPath`), the shape is not followed: `any`.
 */
type StateOut<T extends StepTypeInfo, In> = T["kind"] extends "task"
  ? T["outputPath"] extends undefined | "$"
    ? PlaceResult<In, T["resultPath"], Shaped<T["output"], T["resultSelector"]>>
    : any
  : [T["inputPath"], T["outputPath"]] extends [undefined | "$", undefined | "$"]
    ? OtherStateOut<T, In>
    : any;

/** {@link StateOut} of a step other than a task that keeps its whole input and output. */
type OtherStateOut<T extends StepTypeInfo, In> = T["kind"] extends "wait" | "choice"
  ? In
  : T["kind"] extends "notify" | "sendToDeadLetterQueue" | "publishEvent"
    ? T["resultPath"] extends undefined | null
      ? In
      : PlaceResult<In, T["resultPath"], any>
    : T["kind"] extends "pass"
      ? T["resultPath"] extends null
        ? In
        : T["parameters"] extends undefined
          ? any
          : PlaceResult<In, T["resultPath"], Shaped<In, T["parameters"]>>
      : PlaceResult<In, T["resultPath"], any>;

/** The state travelling along an edge. */
type AlongEdge<E, In> = E extends { from: infer T extends StepTypeInfo; catchResultPath: infer P }
  ? P extends "flow"
    ? StateOut<T, In>
    : PlaceResult<In, P, CaughtError>
  : never;

/** The state input of the step named `Name` in scope `S`, whose first step receives `First`. */
type StateIn<S extends readonly Step[], Name, First, D extends readonly unknown[]> = D extends [unknown, ...infer Less]
  ?
      | (S extends readonly [infer Head, ...unknown[]] ? (Name extends NameOf<Head> ? First : never) : never)
      | IncomingStates<S, Extract<EdgesOf<S>, { to: Name }>, First, Less>
  : any;

type IncomingStates<S extends readonly Step[], E, First, D extends readonly unknown[]> = E extends {
  from: infer T extends StepTypeInfo;
}
  ? AlongEdge<E, StateIn<S, T["name"], First, D>>
  : never;

/** The payload errors of a task (or a contract's publishEvent): a state flowing into it that its handler (contract) does not accept. */
type PayloadErrors<S extends readonly Step[], T extends StepTypeInfo, First, Source extends string> = T["kind"] extends
  | "task"
  | "publishEvent" // a contract's payload (see publishEvent)
  ?
      | (S extends readonly [infer Head, ...unknown[]]
          ? T["name"] extends NameOf<Head>
            ? Accepts<Shaped<Select<First, T["inputPath"]>, T["parameters"]>, T["input"]> extends true
              ? never
              : `payload: ${Source} does not satisfy the input of "${T["name"]}"`
            : never
          : never)
      | IncomingErrors<S, Extract<EdgesOf<S>, { to: T["name"] }>, T, First>
  : never;

type IncomingErrors<S extends readonly Step[], E, T extends StepTypeInfo, First> = E extends {
  from: infer From extends StepTypeInfo;
}
  ? Accepts<Shaped<Select<AlongEdge<E, StateIn<S, From["name"], First, Depth>>, T["inputPath"]>, T["parameters"]>, T["input"]> extends true
    ? never
    : `payload: what "${From["name"]}" passes on does not satisfy the input of "${T["name"]}"`
  : never;

type Accepts<Given, Wanted> = IsAny<Given> extends true ? true : [Given] extends [Wanted] ? true : false;

// ---------------------------------------------------------------------------------------------------------------
// The checks of a list.

/** The errors of one step of scope `S`, nested scopes included. */
type StepErrors<S extends readonly Step[], E, First, Source extends string, Tuple extends boolean> = [InfoOf<E>] extends [never]
  ? never
  : InfoOf<E> extends infer T
    ? T extends StepTypeInfo // distributes over the steps of a scope checked at once (a nested scope, an array)
      ?
          | ReferenceErrors<T, NamesOf<S>>
          | (Tuple extends true ? PayloadErrors<S, T, First, Source> : never)
          | NestedErrors<T, Tuple extends true ? NestedInput<S, T, First> : any>
      : never
    : never;

/**
 * What a nested scope's first step receives: a branch gets the Parallel's input (selected by its `inputPath`, shaped
 * by its `parameters`); a Map item is not typed.
 */
type NestedInput<S extends readonly Step[], T extends StepTypeInfo, First> = T["kind"] extends "parallel"
  ? Shaped<Select<StateIn<S, T["name"], First, Depth>, T["inputPath"]>, T["parameters"]>
  : any;

type NestedErrors<T extends StepTypeInfo, First> = T["scopes"] extends readonly (infer Scope)[]
  ? Scope extends readonly Step[]
    ? ScopeErrors<Scope, First, `the input of "${T["name"]}"`> extends infer Message extends string
      ? `in "${T["name"]}": ${Message}`
      : never
    : never
  : never;

/** Every error of a scope. */
type ScopeErrors<S extends readonly Step[], First, Source extends string> = StepErrors<
  S,
  S[number],
  First,
  Source,
  number extends S["length"] ? false : true
>;

/**
 * A step list as the compiler accepts it: each step stands for itself, or for the message of what is wrong with it
 * (a `next`, catch or Choice target naming no step of its scope; a task given a state its handler does not accept).
 * A list whose steps are plain `Step`s (JavaScript, lists built at run time) is accepted as it is: `validateSteps`
 * checks it when the program runs.
 */
export type CheckedSteps<S extends readonly Step[], First = any> = {
  [K in keyof S]: StepErrors<S, S[K], First, "the trigger's event", number extends S["length"] ? false : true> extends infer Message
    ? [Message] extends [never]
      ? S[K]
      : Message
    : never;
};

/**
 * The event a trigger typed with `eventTrigger<Detail>()` starts the workflow with: `EventBridgeEvent<DetailType,
 * Detail>`. `any` (the first step's input is not checked) for an untyped trigger, so that existing lists keep compiling.
 * A schedule starts it with its `input` (`{}` without one).
 */
export type TriggerEvent<T> = T extends { schedule: { input: infer Input } }
  ? Input
  : T extends { schedule: object }
    ? Record<string, never>
    : EventOf<T>;

/** The event of an event trigger: typed by `eventTrigger<Detail>()`, else `any`. */
type EventOf<T> = typeof triggerDetail extends keyof T
  ? EventBridgeEvent<DetailTypeOf<T>, Exclude<T[typeof triggerDetail & keyof T], undefined>>
  : any;

/** The pattern's literal detail-types; `any` (not checked) where they are not literal strings. */
type DetailTypeOf<T> = T extends { pattern: { "detail-type": readonly (infer D)[] } }
  ? [D] extends [string]
    ? string extends D
      ? any
      : D
    : any
  : any;

/** The key of a trigger's declared `detail` type. Declared only. */
export declare const triggerDetail: unique symbol;

/** A trigger whose events carry a `detail` of type `Detail`. */
export interface TypedDetail<Detail> {
  readonly [triggerDetail]?: Detail;
}
