import type { AttemptResult } from "../bindings/AttemptResult";
import { ActiveIcon, ClockIcon, ErrorIcon, RotateIcon } from "./icons";

const LABELS: Record<AttemptResult, string> = {
  success: "SUCCESS",
  failed: "FAILED",
  retrying: "RETRYING",
  pending: "PENDING",
};

const ICONS = { success: ActiveIcon, failed: ErrorIcon, retrying: RotateIcon, pending: ClockIcon };

/** The outcome of a delivery attempt, by icon and text, never by colour alone. */
export function ResultBadge({ result }: { result: AttemptResult }) {
  const Icon = ICONS[result];
  return (
    <span className={`result-badge result-${result}`}>
      <Icon />
      {LABELS[result]}
    </span>
  );
}

/** Marks an attempt sent by **Test**. */
export function TestBadge() {
  return (
    <span className="test-badge" title="Sent by Test">
      test
    </span>
  );
}
