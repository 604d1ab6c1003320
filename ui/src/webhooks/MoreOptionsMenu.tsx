import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { CheckIcon, MoreIcon } from "../components/icons";

interface MoreOptionsMenuProps {
  showDisabled: boolean;
  onShowDisabled: (show: boolean) => void;
  onExport: () => void;
  onImport: () => void;
}

/** The ⋮ menu (WAI-ARIA menu button): arrow keys move, Escape closes, focus returns. */
export function MoreOptionsMenu({
  showDisabled,
  onShowDisabled,
  onExport,
  onImport,
}: MoreOptionsMenuProps) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role^="menuitem"]')?.focus();
    function onPointerDown(event: MouseEvent) {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    }
    document.addEventListener("mousedown", onPointerDown);
    return () => document.removeEventListener("mousedown", onPointerDown);
  }, [open]);

  function close(refocus: boolean) {
    setOpen(false);
    if (refocus) button.current?.focus();
  }

  function choose(action: () => void) {
    close(true);
    action();
  }

  function onMenuKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const items = Array.from(
      menu.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [],
    );
    const index = items.indexOf(document.activeElement as HTMLElement);
    let next: number | null = null;
    if (event.key === "ArrowDown") next = (index + 1) % items.length;
    else if (event.key === "ArrowUp") next = (index - 1 + items.length) % items.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = items.length - 1;
    else if (event.key === "Escape") {
      event.preventDefault();
      // The page would otherwise close the settings panel too.
      event.stopPropagation();
      close(true);
      return;
    } else if (event.key === "Tab") {
      close(false);
      return;
    }
    if (next !== null) {
      event.preventDefault();
      items[next]?.focus();
    }
  }

  return (
    <div className="menu-anchor">
      <button
        ref={button}
        type="button"
        className="icon-button"
        aria-label="More options"
        title="More options"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? "more-options-menu" : undefined}
        onClick={() => setOpen(!open)}
      >
        <MoreIcon />
      </button>
      {open && (
        <div
          ref={menu}
          id="more-options-menu"
          role="menu"
          aria-label="More options"
          className="menu"
          onKeyDown={onMenuKeyDown}
        >
          <button
            type="button"
            role="menuitemcheckbox"
            aria-checked={showDisabled}
            className="menu-item"
            tabIndex={-1}
            onClick={() => choose(() => onShowDisabled(!showDisabled))}
          >
            <span className="menu-check">{showDisabled && <CheckIcon />}</span>
            Show disabled webhooks
          </button>
          <div role="separator" className="menu-separator" />
          <button
            type="button"
            role="menuitem"
            className="menu-item"
            tabIndex={-1}
            onClick={() => choose(onExport)}
          >
            <span className="menu-check" />
            Export configuration…
          </button>
          <button
            type="button"
            role="menuitem"
            className="menu-item"
            tabIndex={-1}
            onClick={() => choose(onImport)}
          >
            <span className="menu-check" />
            Import configuration…
          </button>
        </div>
      )}
    </div>
  );
}
