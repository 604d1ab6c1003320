import {
  Fragment,
  useEffect,
  useId,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from "react";
import { CheckIcon } from "./icons";

export interface MenuItem {
  label: string;
  /** A few muted words after the label. */
  hint?: string;
  /** A checkbox item (`menuitemcheckbox`) when set. */
  checked?: boolean;
  /** A separator goes above it. */
  separated?: boolean;
  onSelect: () => void;
}

interface MenuButtonProps {
  /** The menu's accessible name, and the button's when it shows only an icon. */
  label: string;
  /** What the button shows. */
  content: ReactNode;
  className?: string;
  /** A tooltip for the button. */
  title?: string;
  /** Whether the button names itself by `label` (an icon-only button). */
  iconOnly?: boolean;
  disabled?: boolean;
  /** Choosing one closes the menu and returns focus to the button before it acts. */
  items: readonly MenuItem[];
}

/** A WAI-ARIA menu button: arrow keys, Home and End move, Escape closes, focus returns. */
export function MenuButton({
  label,
  content,
  className = "icon-button",
  title,
  iconOnly = false,
  disabled = false,
  items,
}: MenuButtonProps) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const id = useId();

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
      // The page would otherwise close the panel the menu is in too.
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
        className={className}
        aria-label={iconOnly ? label : undefined}
        title={title}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        disabled={disabled}
        onClick={() => setOpen(!open)}
      >
        {content}
      </button>
      {open && (
        <div
          ref={menu}
          id={id}
          role="menu"
          aria-label={label}
          className="menu"
          onKeyDown={onMenuKeyDown}
        >
          {items.map((item) => (
            <Fragment key={item.label}>
              {item.separated && <div role="separator" className="menu-separator" />}
              <button
                type="button"
                role={item.checked === undefined ? "menuitem" : "menuitemcheckbox"}
                aria-checked={item.checked}
                className="menu-item"
                tabIndex={-1}
                onClick={() => choose(item.onSelect)}
              >
                <span className="menu-check">{item.checked && <CheckIcon />}</span>
                {item.label}
                {item.hint && <span className="menu-hint">{item.hint}</span>}
              </button>
            </Fragment>
          ))}
        </div>
      )}
    </div>
  );
}
