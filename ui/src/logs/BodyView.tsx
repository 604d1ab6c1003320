import { useMemo, useState } from "react";

/** The body indented for reading when it is JSON; null when it is not. */
export function prettyJson(body: string): string | null {
  if (body.trim() === "") return null;
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return null;
  }
}

interface BodyViewProps {
  label: string;
  body: string;
  /** Offers the pretty-printed form with a **Raw** toggle (the request body). */
  pretty?: boolean;
}

/** A payload in monospace, scrollable: pretty-printed JSON, or exactly as it was. */
export function BodyView({ label, body, pretty = false }: BodyViewProps) {
  const [raw, setRaw] = useState(false);
  const formatted = useMemo(() => (pretty ? prettyJson(body) : null), [pretty, body]);
  const showRaw = raw || formatted === null;
  return (
    <div className="body-view">
      <div className="body-view-bar">
        <span className="body-view-label">{label}</span>
        {formatted !== null && (
          <button
            type="button"
            className="button button-small"
            aria-pressed={raw}
            title="Show the body exactly as it was sent"
            onClick={() => setRaw((r) => !r)}
          >
            Raw
          </button>
        )}
      </div>
      {body === "" ? (
        <p className="muted">Empty body.</p>
      ) : (
        <pre className="body-view-text" tabIndex={0} aria-label={label} data-raw={showRaw}>
          {showRaw ? body : formatted}
        </pre>
      )}
    </div>
  );
}
