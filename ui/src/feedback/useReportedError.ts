import { useEffect } from "react";
import type { ErrorView } from "../bindings/ErrorView";
import { useFeedback } from "./FeedbackContext";

/** Failures already reported: a query read by several components fails once, not per reader. */
const reported = new WeakSet<ErrorView>();

/**
 * Reports a query's failure (`error`, null while it has none) through the feedback, once per
 * failure; `worth` picks which failures are (some are shown where the data would be).
 */
export function useReportedError(
  error: ErrorView | null,
  doing: string,
  worth: (error: ErrorView) => boolean = () => true,
): void {
  const { reportError } = useFeedback();
  useEffect(() => {
    if (!error || reported.has(error) || !worth(error)) return;
    reported.add(error);
    reportError(error, doing);
    // `worth` is a rule, not state: only a new failure is reported.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [error, doing, reportError]);
}
