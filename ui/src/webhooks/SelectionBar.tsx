interface SelectionBarProps {
  selectedCount: number;
  canDeactivate: boolean;
  canActivate: boolean;
  busy: boolean;
  onDeactivate: () => void;
  onActivate: () => void;
  onClear: () => void;
  /** What the bar says while nothing is selected, e.g. "4 webhooks · 2 disabled hidden". */
  summary: string;
}

/** Bulk actions for the selected rows; always the same height, so the table never jumps. */
export function SelectionBar({
  selectedCount,
  canDeactivate,
  canActivate,
  busy,
  onDeactivate,
  onActivate,
  onClear,
  summary,
}: SelectionBarProps) {
  if (selectedCount === 0) {
    return (
      <div className="selection-bar">
        <span className="muted">{summary}</span>
      </div>
    );
  }
  return (
    <div className="selection-bar has-selection" role="region" aria-label="Selected webhooks">
      <span className="selection-count">{selectedCount} selected</span>
      {canDeactivate && (
        <button
          type="button"
          className="button button-small"
          disabled={busy}
          onClick={onDeactivate}
        >
          Deactivate selected
        </button>
      )}
      {canActivate && (
        <button type="button" className="button button-small" disabled={busy} onClick={onActivate}>
          Activate selected
        </button>
      )}
      <button type="button" className="link-button" onClick={onClear}>
        Clear selection
      </button>
    </div>
  );
}
