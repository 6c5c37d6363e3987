/**
 * The graph's words for a Distributed Map's S3 input and output: where the items are read (`over s3://bucket/key
 * (CSV)`, `over s3://bucket/prefix* (listing)`), how they are batched and where the results are written.
 */
type Json = any;

/** `s3://<bucket>/<key>`, a path shown as `{$.path}`. */
function s3Url(parameters: Json, name: "Key" | "Prefix"): string {
  const part = (field: string) => parameters?.[field] ?? (parameters?.[`${field}.$`] !== undefined ? `{${parameters[`${field}.$`]}}` : "");
  return `s3://${part("Bucket")}/${part(name)}`;
}

/** The label parts of a Map state's ItemReader, ItemBatcher and ResultWriter (none for a Map without them). */
export function mapIoLabels(state: Json): string[] {
  const parts: string[] = [];
  const reader = state.ItemReader;
  if (reader)
    parts.push(
      String(reader.Resource).endsWith(":listObjectsV2")
        ? `over ${s3Url(reader.Parameters, "Prefix")}* (listing)`
        : `over ${s3Url(reader.Parameters, "Key")} (${reader.ReaderConfig?.InputType ?? "JSON"})`,
    );
  const batcher = state.ItemBatcher;
  if (batcher)
    parts.push(
      `batches of ${[
        ...(batcher.MaxItemsPerBatch !== undefined ? [`${batcher.MaxItemsPerBatch} items`] : []),
        ...(batcher.MaxInputBytesPerBatch !== undefined ? [`${batcher.MaxInputBytesPerBatch} bytes`] : []),
      ].join(" or ")}`,
    );
  if (state.ResultWriter) parts.push(`results to ${s3Url(state.ResultWriter.Parameters, "Prefix")}`);
  return parts;
}
