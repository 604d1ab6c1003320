import { useEffect, useEffectEvent } from "react";

interface Shortcuts {
  /** False while the page is not the one shown. */
  enabled?: boolean;
  onNew: () => void;
  onFocusSearch: () => void;
  onEscape: () => void;
}

const NON_TEXT_INPUTS = [
  "checkbox",
  "radio",
  "button",
  "submit",
  "reset",
  "range",
  "color",
  "file",
];

/** Whether keys typed now are text for a field (where N and / must stay letters). */
function isTextEntry(element: Element | null): boolean {
  if (element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement) return true;
  if (element instanceof HTMLInputElement) return !NON_TEXT_INPUTS.includes(element.type);
  return element instanceof HTMLElement && element.isContentEditable;
}

/** `N` new webhook, `/` search, `Esc` close the panel. Dialogs handle their own Escape. */
export function useGlobalShortcuts(shortcuts: Shortcuts) {
  const handle = useEffectEvent((event: KeyboardEvent) => {
    if (event.defaultPrevented || event.isComposing || shortcuts.enabled === false) return;
    if (event.key === "Escape") {
      shortcuts.onEscape();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTextEntry(document.activeElement)) return;
    // Not behind an open modal dialog.
    if (document.querySelector('[aria-modal="true"]')) return;
    if (event.key === "n" || event.key === "N") {
      event.preventDefault();
      shortcuts.onNew();
    } else if (event.key === "/") {
      event.preventDefault();
      shortcuts.onFocusSearch();
    }
  });

  useEffect(() => {
    const listener = (event: KeyboardEvent) => handle(event);
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, []);
}
