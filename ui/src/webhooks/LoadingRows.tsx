/** Placeholder rows while the list loads, the height of real ones, so nothing jumps. */
export function LoadingRows() {
  return (
    <div className="loading-rows" aria-busy="true">
      <span className="visually-hidden">Loading webhooks…</span>
      {[0, 1, 2].map((i) => (
        <div key={i} className="loading-row" aria-hidden="true" />
      ))}
    </div>
  );
}
