import { act, fireEvent, screen } from "@testing-library/react";
import type { ComponentProps } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AttemptSummary } from "../bindings/AttemptSummary";
import { makeAttempt, summaryOf } from "../test/fakeBackend";
import { renderWithProviders, TestProviders } from "../test/renderApp";
import { LogList, ROW_HEIGHT } from "./LogList";

type Props = ComponentProps<typeof LogList>;

/** Ten rows in view. */
const VIEWPORT = 10 * ROW_HEIGHT;

const rowsOf = (count: number): AttemptSummary[] =>
  Array.from({ length: count }, () => summaryOf(makeAttempt()));

function renderList(partial: Partial<Props> & { rows: readonly AttemptSummary[] }) {
  const props: Props = {
    label: "Attempts",
    total: partial.rows.length,
    status: "ready",
    error: null,
    hasMore: false,
    loadingMore: false,
    moreError: null,
    live: { seq: 0, added: 0 },
    loadMore: vi.fn(),
    onRetry: vi.fn(),
    openId: null,
    onOpen: vi.fn(),
    onRetryNow: vi.fn(),
    onCopied: vi.fn(),
    selected: new Set(),
    onSelect: vi.fn(),
    labels: new Map(),
    empty: "No attempts",
    viewportHeight: VIEWPORT,
    newCount: 0,
    onShowNew: vi.fn(),
    onAtTopChange: vi.fn(),
    ...partial,
  };
  const view = renderWithProviders(<LogList {...props} />);
  const viewport = view.container.querySelector<HTMLElement>(".log-viewport")!;
  const rerender = (next: Partial<Props>) =>
    view.rerender(
      <TestProviders client={view.client}>
        <LogList {...props} {...next} />
      </TestProviders>,
    );
  return { ...view, props, viewport, rerender };
}

/** The rendered rows, as their 0-based positions in the list. */
const rendered = () =>
  screen.queryAllByTestId("log-row").map((row) => Number(row.getAttribute("aria-rowindex")) - 2);
const range = (start: number, end: number) =>
  Array.from({ length: end - start }, (_, i) => start + i);

function scrollTo(viewport: HTMLElement, top: number) {
  viewport.scrollTop = top;
  fireEvent.scroll(viewport);
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the virtual log list", () => {
  it("renders the rows in view plus 8 below at the top, each at its place", () => {
    const rows = rowsOf(1_000);
    const { container } = renderList({ rows });
    expect(rendered()).toEqual(range(0, 18));
    const [first, second] = screen.getAllByTestId("log-row");
    expect(first).toHaveAttribute("data-attempt-id", rows[0]!.id);
    expect(first!.style.transform).toBe("translateY(0px)");
    expect(second!.style.transform).toBe(`translateY(${ROW_HEIGHT}px)`);
    expect(container.querySelector<HTMLElement>(".log-canvas")!.style.height).toBe(
      `${1_000 * ROW_HEIGHT}px`,
    );
  });

  it("follows the scroll: the rows in view plus 8 above and below, none far away", () => {
    const rows = rowsOf(1_000);
    const { viewport } = renderList({ rows });
    scrollTo(viewport, 100 * ROW_HEIGHT);
    expect(rendered()).toEqual(range(92, 118));
    const row = screen.getAllByTestId("log-row")[8]!;
    expect(row).toHaveAttribute("data-attempt-id", rows[100]!.id);
    expect(row.style.transform).toBe(`translateY(${100 * ROW_HEIGHT}px)`);
    // Half a row further, one more row is partly in view.
    scrollTo(viewport, 100 * ROW_HEIGHT + ROW_HEIGHT / 2);
    expect(rendered()).toEqual(range(92, 119));
    scrollTo(viewport, 0);
    expect(rendered()).toEqual(range(0, 18));
  });

  it("stays within the rows there are", () => {
    const { viewport } = renderList({ rows: rowsOf(20) });
    scrollTo(viewport, 10 * ROW_HEIGHT);
    expect(rendered()).toEqual(range(2, 20));
  });

  it("renders no row when there is none", () => {
    const { container } = renderList({ rows: [], status: "ready" });
    expect(rendered()).toEqual([]);
    expect(container.querySelector<HTMLElement>(".log-canvas")!.style.height).toBe("0px");
    expect(screen.getByText("No attempts")).toBeVisible();
  });

  it("takes the viewport as 480 px high where it cannot be measured (jsdom)", () => {
    renderList({ rows: rowsOf(100), viewportHeight: undefined });
    // 480 px: 11 rows partly in view, plus 8.
    expect(rendered()).toEqual(range(0, 19));
  });

  it("follows the viewport's measured height, but not a hidden viewport's 0", () => {
    let report = () => {};
    vi.stubGlobal(
      "ResizeObserver",
      class {
        constructor(callback: () => void) {
          report = callback;
        }
        observe() {}
        unobserve() {}
        disconnect() {}
      },
    );
    let height = 0;
    vi.spyOn(Element.prototype, "clientHeight", "get").mockImplementation(() => height);
    renderList({ rows: rowsOf(100), viewportHeight: undefined });
    expect(rendered()).toEqual(range(0, 19));
    height = 20 * ROW_HEIGHT;
    act(() => report());
    expect(rendered()).toEqual(range(0, 28));
    // Hidden (another section shown): the rows stay.
    height = 0;
    act(() => report());
    expect(rendered()).toEqual(range(0, 28));
  });

  it("asks for the next page once the rendered rows come within 60 of the loaded ones", () => {
    const loadMore = vi.fn();
    const { viewport } = renderList({ rows: rowsOf(100), hasMore: true, loadMore });
    expect(loadMore).not.toHaveBeenCalled();
    // Rows 13-38 rendered: 61 loaded rows below them, not yet.
    scrollTo(viewport, 21 * ROW_HEIGHT);
    expect(loadMore).not.toHaveBeenCalled();
    // Rows 14-39: 60 below.
    scrollTo(viewport, 22 * ROW_HEIGHT);
    expect(loadMore).toHaveBeenCalledTimes(1);
  });

  it("shows the new rows from the top at once", () => {
    const rows = rowsOf(100);
    const onShowNew = vi.fn();
    const { viewport } = renderList({ rows, newCount: 2, onShowNew });
    scrollTo(viewport, 50 * ROW_HEIGHT);
    expect(rendered()[0]).toBe(42);
    fireEvent.click(screen.getByRole("button", { name: "Show 2 new attempts" }));
    expect(viewport.scrollTop).toBe(0);
    // Rendered before any scroll event of the browser's.
    expect(rendered()).toEqual(range(0, 18));
    expect(onShowNew).toHaveBeenCalledTimes(1);
  });

  it("keeps the rows being read in place when some are put on top", () => {
    const rows = rowsOf(100);
    const { viewport, rerender } = renderList({ rows });
    scrollTo(viewport, 20 * ROW_HEIGHT + 5);
    rerender({ rows: [...rowsOf(3), ...rows], live: { seq: 1, added: 3 } });
    expect(viewport.scrollTop).toBe(23 * ROW_HEIGHT + 5);
  });
});
