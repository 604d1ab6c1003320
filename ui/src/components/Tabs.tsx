import { useId, useRef, type KeyboardEvent, type ReactNode } from "react";

export interface TabDefinition {
  id: string;
  label: string;
  content: ReactNode;
  /** Shown but not selectable; `hint` says why (its tooltip and description). */
  disabled?: boolean;
  hint?: string;
}

interface TabsProps {
  /** The tab list's accessible name. */
  label: string;
  tabs: TabDefinition[];
  selected: string;
  onSelect: (id: string) => void;
}

/**
 * WAI-ARIA tabs: arrow keys, Home and End move between (enabled) tabs; only the chosen panel
 * renders.
 */
export function Tabs({ label, tabs, selected, onSelect }: TabsProps) {
  const baseId = useId();
  const buttons = useRef<Array<HTMLButtonElement | null>>([]);
  const current = tabs.find((t) => t.id === selected) ?? tabs[0];

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const enabled = tabs.map((t, i) => ({ t, i })).filter(({ t }) => !t.disabled);
    const index = enabled.findIndex(({ t }) => t.id === current?.id);
    let next: number;
    if (event.key === "ArrowRight") next = (index + 1) % enabled.length;
    else if (event.key === "ArrowLeft") next = (index - 1 + enabled.length) % enabled.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = enabled.length - 1;
    else return;
    event.preventDefault();
    const tab = enabled[next]?.t;
    const position = enabled[next]?.i ?? 0;
    if (tab) {
      onSelect(tab.id);
      buttons.current[position]?.focus();
    }
  }

  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} className="tab-list" onKeyDown={onKeyDown}>
        {tabs.map((tab, i) => {
          const isSelected = tab.id === current?.id;
          return (
            <button
              key={tab.id}
              ref={(el) => {
                buttons.current[i] = el;
              }}
              type="button"
              role="tab"
              id={`${baseId}-tab-${tab.id}`}
              aria-selected={isSelected}
              aria-controls={`${baseId}-panel-${tab.id}`}
              tabIndex={isSelected ? 0 : -1}
              className="tab"
              // aria-disabled rather than disabled: the hint's tooltip still shows.
              aria-disabled={tab.disabled || undefined}
              title={tab.hint}
              onClick={() => {
                if (!tab.disabled) onSelect(tab.id);
              }}
            >
              {tab.label}
            </button>
          );
        })}
      </div>
      {current && (
        <div
          role="tabpanel"
          id={`${baseId}-panel-${current.id}`}
          aria-labelledby={`${baseId}-tab-${current.id}`}
          className="tab-panel"
        >
          {current.content}
        </div>
      )}
    </div>
  );
}
