/** The last item (`Array.prototype.at` is beyond the ES2021 library the app targets). */
export function lastOf<T>(items: readonly T[]): T | undefined {
  return items[items.length - 1];
}
