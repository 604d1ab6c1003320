import type { ImportReport } from "../bindings/ImportReport";
import { ModalDialog } from "../components/ModalDialog";

/** What an import created and updated, and what it warned about. */
export function ImportReportDialog({
  report,
  onClose,
}: {
  report: ImportReport;
  onClose: () => void;
}) {
  const nothing =
    report.created.length === 0 && report.updated.length === 0 && report.event_types === 0;
  return (
    <ModalDialog
      title="Configuration imported"
      onCancel={onClose}
      actions={
        <button type="button" className="button button-primary" onClick={onClose} data-autofocus>
          OK
        </button>
      }
    >
      {nothing && <p>The file held nothing new.</p>}
      <dl className="import-report">
        <dt>Created</dt>
        <dd>
          {report.created.length} webhook{report.created.length === 1 ? "" : "s"}
          {report.created.length > 0 && (
            <>
              : <span className="mono">{report.created.join(", ")}</span>
            </>
          )}
        </dd>
        <dt>Updated</dt>
        <dd>
          {report.updated.length} webhook{report.updated.length === 1 ? "" : "s"}
          {report.updated.length > 0 && (
            <>
              : <span className="mono">{report.updated.join(", ")}</span>
            </>
          )}
        </dd>
        <dt>Event types</dt>
        <dd>{report.event_types}</dd>
      </dl>
      {report.warnings.length > 0 && (
        <>
          <h3 className="import-warnings-title">Warnings</h3>
          <ul className="import-warnings">
            {report.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </>
      )}
    </ModalDialog>
  );
}
