import { useEffect, useEffectEvent, useId, useState } from "react";
import type { ResultFilter } from "../bindings/ResultFilter";
import { FieldMessages } from "../components/FieldMessages";
import { NO_FILTERS, type LogFilterState } from "./logFilter";

/** Typing in the payload search waits this long before asking the engine. */
export const SEARCH_DEBOUNCE_MS = 300;

interface LogFiltersProps {
  value: LogFilterState;
  onChange: (value: LogFilterState) => void;
  eventTypes: ReadonlyArray<{ name: string; label: string }>;
  dateError: string | null;
}

/** Result, event type, date range and payload text. */
export function LogFilters({ value, onChange, eventTypes, dateError }: LogFiltersProps) {
  const id = useId();
  const [text, setText] = useState(value.search);
  const applySearch = useEffectEvent((search: string) => {
    if (search !== value.search) onChange({ ...value, search });
  });

  useEffect(() => {
    const timer = window.setTimeout(() => applySearch(text), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text]);

  const set = (change: Partial<LogFilterState>) => onChange({ ...value, ...change });
  const filtered = text !== "" || JSON.stringify(value) !== JSON.stringify(NO_FILTERS);
  return (
    <div className="log-filters" role="search" aria-label="Filter attempts">
      <div className="log-filter">
        <label htmlFor={`${id}-result`} className="field-label">
          Result
        </label>
        <select
          id={`${id}-result`}
          className="input"
          value={value.result}
          onChange={(e) => set({ result: e.target.value as ResultFilter | "" })}
        >
          <option value="">All results</option>
          <option value="success">Success</option>
          <option value="failed">Failed</option>
          <option value="retrying">Retrying</option>
          <option value="pending">Pending</option>
        </select>
      </div>
      <div className="log-filter">
        <label htmlFor={`${id}-type`} className="field-label">
          Event type
        </label>
        <select
          id={`${id}-type`}
          className="input"
          value={value.eventType}
          onChange={(e) => set({ eventType: e.target.value })}
        >
          <option value="">All event types</option>
          {eventTypes.map((t) => (
            <option key={t.name} value={t.name}>
              {t.label === t.name ? t.name : `${t.label} (${t.name})`}
            </option>
          ))}
        </select>
      </div>
      <div className="log-filter">
        <label htmlFor={`${id}-from`} className="field-label">
          From
        </label>
        <input
          id={`${id}-from`}
          className="input"
          type="datetime-local"
          value={value.from}
          max={value.to || undefined}
          aria-invalid={dateError ? true : undefined}
          aria-describedby={`${id}-dates`}
          onChange={(e) => set({ from: e.target.value })}
        />
      </div>
      <div className="log-filter">
        <label htmlFor={`${id}-to`} className="field-label">
          To
        </label>
        <input
          id={`${id}-to`}
          className="input"
          type="datetime-local"
          value={value.to}
          min={value.from || undefined}
          aria-invalid={dateError ? true : undefined}
          aria-describedby={`${id}-dates`}
          onChange={(e) => set({ to: e.target.value })}
        />
      </div>
      <div className="log-filter log-filter-search">
        <label htmlFor={`${id}-search`} className="field-label">
          Search payloads
        </label>
        <input
          id={`${id}-search`}
          className="input"
          type="search"
          placeholder="Text in the request body"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      {filtered && (
        <button
          type="button"
          className="link-button log-filters-clear"
          onClick={() => {
            setText("");
            onChange(NO_FILTERS);
          }}
        >
          Clear filters
        </button>
      )}
      <FieldMessages id={`${id}-dates`} errors={dateError ? [dateError] : []} />
    </div>
  );
}
