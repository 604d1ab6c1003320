import { useEffect, useState, type RefObject } from "react";

export interface VirtualRange {
  /** First and one-past-last row index to render. */
  start: number;
  end: number;
}

/** The rows to render: those in view plus `overscan` above and below. */
export function visibleRange(
  count: number,
  rowHeight: number,
  viewportHeight: number,
  scrollTop: number,
  overscan: number,
): VirtualRange {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const inView = Math.ceil(viewportHeight / rowHeight) + 1;
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(count, first + inView + overscan),
  };
}

interface VirtualOptions {
  count: number;
  rowHeight: number;
  overscan?: number;
  /** A fixed viewport height; otherwise it is measured (and this is used where it cannot be). */
  viewportHeight?: number;
}

/** Used where layout cannot be measured (jsdom) until the element reports a size. */
export const FALLBACK_VIEWPORT_HEIGHT = 480;

/**
 * Fixed-height row virtualisation for a scrolling element: follows its scroll position and
 * its measured height, and says which rows to render.
 */
export function useVirtualRows(
  viewport: RefObject<HTMLElement | null>,
  { count, rowHeight, overscan = 8, viewportHeight }: VirtualOptions,
) {
  const [scrollTop, setScrollTop] = useState(0);
  const [measured, setMeasured] = useState<number | null>(null);

  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    let frame = 0;
    const onScroll = () => {
      if (frame !== 0) return;
      frame = window.requestAnimationFrame(() => {
        frame = 0;
        setScrollTop(element.scrollTop);
      });
    };
    element.addEventListener("scroll", onScroll, { passive: true });
    let observer: ResizeObserver | null = null;
    if (typeof ResizeObserver !== "undefined") {
      observer = new ResizeObserver(() => {
        if (element.clientHeight > 0) setMeasured(element.clientHeight);
      });
      observer.observe(element);
    }
    return () => {
      element.removeEventListener("scroll", onScroll);
      window.cancelAnimationFrame(frame);
      observer?.disconnect();
    };
  }, [viewport]);

  const height = viewportHeight ?? measured ?? FALLBACK_VIEWPORT_HEIGHT;
  const range = visibleRange(count, rowHeight, height, scrollTop, overscan);
  /** Follows a scroll made by the code at once, before its scroll event. */
  const resync = () => {
    if (viewport.current) setScrollTop(viewport.current.scrollTop);
  };
  return { ...range, totalHeight: count * rowHeight, viewportHeight: height, resync };
}
