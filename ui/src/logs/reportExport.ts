import type { ErrorView } from "../bindings/ErrorView";
import type { Exported } from "../bindings/Exported";
import type { Feedback } from "../feedback/FeedbackContext";
import { countText } from "./format";

/**
 * Says how an export ended: where the file went, what failed, or nothing when the save
 * dialog was cancelled. Resolves once it is said.
 */
export function reportExport(
  exported: Promise<Exported | null>,
  { showToast, reportError }: Pick<Feedback, "showToast" | "reportError">,
  failure: string,
): Promise<void> {
  return exported.then(
    (done) => {
      if (done)
        showToast({ message: `Exported ${countText(done.attempts, "attempt")} to ${done.path}` });
    },
    (error: ErrorView) => reportError(error, failure),
  );
}
