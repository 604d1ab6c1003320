import { FieldMessages } from "../components/FieldMessages";
import { EyeIcon, EyeOffIcon, TrashIcon } from "../components/icons";
import { MASK, type HeaderRow } from "./webhookForm";

interface HeaderRowEditorProps {
  row: HeaderRow;
  index: number;
  nameErrors: string[];
  valueErrors: string[];
  autoFocus: boolean;
  onName: (name: string) => void;
  onValue: (value: string) => void;
  onReveal: () => void;
  onRemove: () => void;
  onBlur: () => void;
}

/**
 * One custom header. Values are secrets: a stored value shows as the mask until revealed
 * from the keyring; a typed value sits in a password field until shown.
 */
export function HeaderRowEditor({
  row,
  index,
  nameErrors,
  valueErrors,
  autoFocus,
  onName,
  onValue,
  onReveal,
  onRemove,
  onBlur,
}: HeaderRowEditorProps) {
  const title = row.name.trim() || `header ${index + 1}`;
  const masked = row.storedName !== null && row.value === MASK && row.revealedValue === null;
  const shown = !masked && row.visible;
  const messagesId = `header-${row.key}-messages`;
  return (
    <div className="header-row" data-testid="header-row">
      <input
        className="input mono"
        aria-label={`Header ${index + 1} name`}
        placeholder="Authorization"
        value={row.name}
        autoFocus={autoFocus}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={nameErrors.length > 0 ? true : undefined}
        aria-describedby={messagesId}
        onChange={(e) => onName(e.target.value)}
        onBlur={onBlur}
      />
      <input
        className={masked ? "input mono input-readonly" : "input mono"}
        aria-label={`Value of ${title}`}
        placeholder={masked ? undefined : "Bearer …"}
        type={masked || shown ? "text" : "password"}
        readOnly={masked}
        title={masked ? "Stored in the keyring. Reveal to see or change it." : undefined}
        value={row.value}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={valueErrors.length > 0 ? true : undefined}
        aria-describedby={messagesId}
        onChange={(e) => onValue(e.target.value)}
        onBlur={onBlur}
      />
      <button
        type="button"
        className="icon-button"
        aria-label={`${shown ? "Hide" : "Reveal"} value of ${title}`}
        title={`${shown ? "Hide" : "Reveal"} value`}
        onClick={onReveal}
      >
        {shown ? <EyeOffIcon /> : <EyeIcon />}
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={`Remove header ${title}`}
        title="Remove header"
        onClick={onRemove}
      >
        <TrashIcon />
      </button>
      <FieldMessages id={messagesId} errors={[...nameErrors, ...valueErrors]} />
    </div>
  );
}
