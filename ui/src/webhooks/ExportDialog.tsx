import { useState } from "react";
import { ModalDialog } from "../components/ModalDialog";
import { WarningIcon } from "../components/icons";

interface ExportDialogProps {
  onExport: (includeSecrets: boolean) => void;
  onCancel: () => void;
}

/** Chooses what goes in the export; secrets only after a plain warning. */
export function ExportDialog({ onExport, onCancel }: ExportDialogProps) {
  const [includeSecrets, setIncludeSecrets] = useState(false);
  return (
    <ModalDialog
      title="Export configuration"
      onCancel={onCancel}
      actions={
        <>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className={includeSecrets ? "button button-danger" : "button button-primary"}
            onClick={() => onExport(includeSecrets)}
            data-autofocus
          >
            {includeSecrets ? "Export with secrets…" : "Export…"}
          </button>
        </>
      }
    >
      <p>
        Writes every webhook and custom event type to a JSON file that another Hookdesk can import.
        Header values and signing secrets are left out: the file names them, and the importing side
        keeps or sets its own.
      </p>
      <label className="checkbox-label">
        <input
          type="checkbox"
          checked={includeSecrets}
          onChange={(e) => setIncludeSecrets(e.target.checked)}
        />
        Include secrets (header values and signing secrets)
      </label>
      {includeSecrets && (
        <p className="secret-warning">
          <WarningIcon />
          <span>
            The file will hold these secrets in plain text. Anyone who can read it can call your
            endpoints with your headers and sign events as this Hookdesk. Keep it somewhere private
            and delete it once imported.
          </span>
        </p>
      )}
    </ModalDialog>
  );
}
