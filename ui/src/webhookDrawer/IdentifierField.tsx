import { CopyButton } from "../components/CopyButton";
import { TextField } from "../components/TextField";
import { useFeedback } from "../feedback/FeedbackContext";

/** The webhook's ObjectId: read-only, copyable once it exists. */
export function IdentifierField({ id }: { id: string | null }) {
  const { reportError } = useFeedback();
  return (
    <TextField
      id="webhook-identifier"
      label="Identifier"
      value={id ?? ""}
      placeholder="Assigned when you save"
      readOnly
      monospace
      trailing={
        id && (
          <CopyButton
            label="Copy identifier"
            text={() => id}
            onError={(e) => reportError(e, "Copying the identifier failed")}
          />
        )
      }
    />
  );
}
