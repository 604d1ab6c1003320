import { useState } from "react";
import type { ExportFormat } from "../bindings/ExportFormat";
import type { LogFilter } from "../bindings/LogFilter";
import type { LogScope } from "../bindings/LogScope";
import { MenuButton } from "../components/MenuButton";
import { useFeedback } from "../feedback/FeedbackContext";
import { exportLogs } from "../ipc/commands";
import { reportExport } from "./reportExport";

const FORMATS: readonly { format: ExportFormat; label: string; hint: string }[] = [
  { format: "ndjson", label: "NDJSON", hint: "an attempt a line, in full" },
  { format: "csv", label: "CSV", hint: "for spreadsheets" },
  { format: "har", label: "HAR", hint: "for browser and proxy tools" },
];

interface ExportMenuProps {
  scope: LogScope;
  /** The Logs view's filters; `null` while they are not valid. */
  filter: LogFilter | null;
  /** How many attempts the view holds (nothing to export at 0). */
  total: number | null;
}

/**
 * **Export…**: the attempts the Logs view shows, with its filters, newest first, to a file
 * the user picks. Secret values are masked, as in the detail.
 */
export function ExportMenu({ scope, filter, total }: ExportMenuProps) {
  const feedback = useFeedback();
  const [busy, setBusy] = useState(false);

  function run(format: ExportFormat) {
    if (filter === null) return;
    setBusy(true);
    void reportExport(
      exportLogs(scope, filter, format),
      feedback,
      "The logs could not be exported",
    ).finally(() => setBusy(false));
  }

  return (
    <MenuButton
      label="Export logs"
      className="button button-small"
      title={
        filter === null
          ? "Fix the date range first"
          : "Save the attempts shown, with the filters, to a file"
      }
      content={busy ? "Exporting…" : "Export…"}
      disabled={busy || filter === null || total === 0}
      items={FORMATS.map((f) => ({ label: f.label, hint: f.hint, onSelect: () => run(f.format) }))}
    />
  );
}
