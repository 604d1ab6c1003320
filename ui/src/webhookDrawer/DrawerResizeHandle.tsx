import { useRef, type KeyboardEvent, type PointerEvent } from "react";
import { MIN_DRAWER_WIDTH } from "./useDrawerLayout";

/** One arrow key press widens or narrows the panel by this much. */
const KEY_STEP_PX = 40;

interface DrawerResizeHandleProps {
  /** The width the user chose, if any (for assistive technology). */
  width: number | null;
  /** The panel's width now, measured. */
  currentWidth: () => number;
  /** The widest it may be (its container's width, less a strip of the list). */
  maxWidth: () => number;
  onResize: (width: number) => void;
}

/**
 * The panel's left edge: dragged (or moved with ←/→ once focused) it widens or narrows the
 * panel. A separator in ARIA terms, with its value in pixels.
 */
export function DrawerResizeHandle({
  width,
  currentWidth,
  maxWidth,
  onResize,
}: DrawerResizeHandleProps) {
  const drag = useRef<{ startX: number; startWidth: number } | null>(null);
  // Never below the minimum, even in a window too narrow for it.
  const clamp = (width: number) => Math.max(MIN_DRAWER_WIDTH, Math.min(maxWidth(), width));

  function onPointerDown(event: PointerEvent<HTMLDivElement>) {
    if (event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture?.(event.pointerId);
    drag.current = { startX: event.clientX, startWidth: currentWidth() };
  }

  function onPointerMove(event: PointerEvent<HTMLDivElement>) {
    if (!drag.current) return;
    // The panel is anchored on the right: moving its left edge left widens it.
    onResize(clamp(drag.current.startWidth + drag.current.startX - event.clientX));
  }

  function onPointerUp(event: PointerEvent<HTMLDivElement>) {
    drag.current = null;
    event.currentTarget.releasePointerCapture?.(event.pointerId);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    let next: number;
    if (event.key === "ArrowLeft") next = currentWidth() + KEY_STEP_PX;
    else if (event.key === "ArrowRight") next = currentWidth() - KEY_STEP_PX;
    else if (event.key === "Home") next = MIN_DRAWER_WIDTH;
    else if (event.key === "End") next = maxWidth();
    else return;
    event.preventDefault();
    onResize(clamp(next));
  }

  return (
    <div
      className="drawer-resize"
      role="separator"
      aria-orientation="vertical"
      aria-label="Panel width"
      aria-valuemin={MIN_DRAWER_WIDTH}
      aria-valuenow={width ?? undefined}
      tabIndex={0}
      title="Drag to widen or narrow the panel (or ← and → once focused)"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
    />
  );
}
