/**
 * The in-process recorder of the SNS, SQS and EventBridge integration states (a LOCAL SIMULATION: nothing leaves
 * the machine): what each call would have sent, and the answer AWS would give it.
 */
import type { MessageService } from "event-driven-workflow/asl";

type Json = any;

/** What an integration state would have sent, as recorded by the in-process recorder. */
export interface PublishedMessage {
  state: string;
  service: MessageService;
  /** The integration's resolved Parameters (TopicArn + Message, QueueUrl + MessageBody, Entries). */
  request: Json;
}

/** The answer the service would give to the `sequence`-th recorded call: a message id, or PutEvents' entry ids. */
export function recorderResponse(service: PublishedMessage["service"], sequence: number): Json {
  const id = `local-${String(sequence).padStart(6, "0")}`;
  if (service === "events") return { Entries: [{ EventId: id }], FailedEntryCount: 0 };
  return { MessageId: id };
}
