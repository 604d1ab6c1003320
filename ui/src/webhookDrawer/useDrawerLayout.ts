import { useState } from "react";

/** Where the panel's size is remembered between openings (and runs of the app). */
export const DRAWER_LAYOUT_KEY = "hookdesk.drawer-layout";
/** Narrower than this, the settings form and the log columns no longer fit. */
export const MIN_DRAWER_WIDTH = 560;

export interface DrawerLayout {
  /** Covers the whole page, the list beneath it hidden. */
  full: boolean;
  /** A width the user dragged it to, in CSS px; null for the stylesheet's. */
  width: number | null;
}

const DEFAULT_LAYOUT: DrawerLayout = { full: false, width: null };

function readLayout(): DrawerLayout {
  try {
    const stored = JSON.parse(localStorage.getItem(DRAWER_LAYOUT_KEY) ?? "null") as unknown;
    if (typeof stored !== "object" || stored === null) return DEFAULT_LAYOUT;
    const { full, width } = stored as Partial<DrawerLayout>;
    return {
      full: full === true,
      width: typeof width === "number" && width >= MIN_DRAWER_WIDTH ? Math.round(width) : null,
    };
  } catch {
    // Storage off or a value from elsewhere: the default is a fine answer.
    return DEFAULT_LAYOUT;
  }
}

function writeLayout(layout: DrawerLayout) {
  try {
    localStorage.setItem(DRAWER_LAYOUT_KEY, JSON.stringify(layout));
  } catch {
    // Not remembered: it still applies until the panel closes.
  }
}

/**
 * The settings panel's size: the stylesheet's, a width dragged to, or the full page, as the
 * user last chose it (kept in localStorage, so the Logs open as wide as they were left).
 */
export function useDrawerLayout() {
  const [layout, setLayout] = useState<DrawerLayout>(readLayout);
  const update = (next: DrawerLayout) => {
    setLayout(next);
    writeLayout(next);
  };
  return {
    ...layout,
    setFull: (full: boolean) => update({ ...layout, full }),
    /** A dragged width leaves the full page. */
    setWidth: (width: number) =>
      update({ full: false, width: Math.max(MIN_DRAWER_WIDTH, Math.round(width)) }),
  };
}

export type DrawerLayoutState = ReturnType<typeof useDrawerLayout>;
