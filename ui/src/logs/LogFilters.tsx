import { useEffect, useEffectEvent, useId, useState } from "react";
import type { ResultFilter } from "../bindings/ResultFilter";
import { FieldMessages } from "../components/FieldMessages";
import { DateFilterField } from "./DateFilterField";
import { NO_FILTERS, type LogFilterState } from "./logFilter";

/** Typing in the payload search waits this long before asking the engine. */
export const SEARCH_DEBOUNCE_MS = 300;

interface LogFiltersProps {
  value: LogFilterState;
  onChange: (value: LogFilterState) => void;
  /** Those marked `own` (the webhook's triggers) come first, in their own group. */
  eventTypes: ReadonlyArray<{ name: string; label: string; own?: boolean }>;
  dateError: string | null;
  /** Status and event id too (the Deliveries view). */
  more?: boolean;
  statusError?: string | null;
}

/** Result, event type, date range and payload text; with `more`, status and event id. */
export function LogFilters({
  value,
  onChange,
  eventTypes,
  dateError,
  more = false,
  statusError = null,
}: LogFiltersProps) {
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
  const own = eventTypes.filter((t) => t.own);
  const others = eventTypes.filter((t) => !t.own);
  const typeOption = (t: { name: string; label: string }) => (
    <option key={t.name} value={t.name}>
      {t.label === t.name ? t.name : `${t.label} (${t.name})`}
    </option>
  );
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
          <option value="failed">Failed attempts</option>
          <option value="delivery_failed">Failed deliveries</option>
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
          className="input event-type-filter"
          value={value.eventType}
          onChange={(e) => set({ eventType: e.target.value })}
        >
          <option value="">All event types</option>
          {own.length > 0 ? (
            <>
              <optgroup label="Its triggers">{own.map(typeOption)}</optgroup>
              {others.length > 0 && (
                <optgroup label="Other event types">{others.map(typeOption)}</optgroup>
              )}
            </>
          ) : (
            others.map(typeOption)
          )}
        </select>
      </div>
      <DateFilterField
        id={`${id}-from`}
        label="From"
        value={value.from}
        onChange={(from) => set({ from })}
        invalid={dateError !== null}
        describedBy={`${id}-dates`}
      />
      <DateFilterField
        id={`${id}-to`}
        label="To"
        value={value.to}
        onChange={(to) => set({ to })}
        invalid={dateError !== null}
        describedBy={`${id}-dates`}
      />
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
      {more && (
        <>
          <div className="log-filter log-filter-status">
            <label htmlFor={`${id}-status`} className="field-label">
              Status
            </label>
            <input
              id={`${id}-status`}
              className="input mono"
              inputMode="numeric"
              placeholder="Any"
              value={value.status}
              aria-invalid={statusError ? true : undefined}
              aria-describedby={`${id}-status-messages`}
              onChange={(e) => set({ status: e.target.value })}
            />
          </div>
          <div className="log-filter log-filter-event">
            <label htmlFor={`${id}-event`} className="field-label">
              Event id
            </label>
            <input
              id={`${id}-event`}
              className="input mono"
              placeholder="evt_… (the webhook-id header)"
              value={value.eventId}
              onChange={(e) => set({ eventId: e.target.value })}
            />
          </div>
        </>
      )}
      <label className="log-filter log-filter-check">
        <input
          type="checkbox"
          checked={value.hideTests}
          onChange={(e) => set({ hideTests: e.target.checked })}
        />
        Hide tests
      </label>
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
      {more && (
        <FieldMessages id={`${id}-status-messages`} errors={statusError ? [statusError] : []} />
      )}
    </div>
  );
}
