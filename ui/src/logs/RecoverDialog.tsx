import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { ErrorView } from "../bindings/ErrorView";
import type { Recovered } from "../bindings/Recovered";
import type { RecoverWindow } from "../bindings/RecoverWindow";
import type { Webhook } from "../bindings/Webhook";
import { FieldMessages } from "../components/FieldMessages";
import { ModalDialog } from "../components/ModalDialog";
import { useFeedback } from "../feedback/FeedbackContext";
import { cancelRecover, recover } from "../ipc/commands";
import { recoverableQuery, recoverProgressQuery } from "../ipc/queries";
import { countText } from "./format";
import { DATE_FORMAT, parseLocalDate } from "./logFilter";

const DAY_MS = 24 * 3600 * 1000;

/** `date` as the date fields are written: `YYYY-MM-DD HH:MM`, local time. */
export function localDateText(date: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

type Typed =
  { ok: true; window: RecoverWindow } | { ok: false; errors: { since?: string; until?: string } };

/** The window as typed, or why it cannot be asked yet (by field). */
function windowOf(since: string, until: string): Typed {
  const from = parseLocalDate(since);
  const to = until.trim() === "" ? null : parseLocalDate(until);
  const format = `Write it as ${DATE_FORMAT}, e.g. 2026-11-24 09:30.`;
  if (from === null)
    return {
      ok: false,
      errors: { since: since.trim() === "" ? "Choose when the failures began." : format },
    };
  if (until.trim() !== "" && to === null) return { ok: false, errors: { until: format } };
  const window: RecoverWindow = { since: new Date(from.ms).toISOString() };
  if (to !== null) window.until = new Date(to.ms).toISOString();
  return { ok: true, window };
}

interface RecoverDialogProps {
  webhook: Pick<Webhook, "id" | "name">;
  onClose: () => void;
}

/**
 * **Recover failed deliveries since…**: a window, the count it brings back before anything
 * starts, then "N of M delivered" as they go, with Cancel.
 */
export function RecoverDialog({ webhook, onClose }: RecoverDialogProps) {
  const [recovered, setRecovered] = useState<Recovered | null>(null);
  return recovered === null ? (
    <ChooseWindow webhook={webhook} onClose={onClose} onStarted={setRecovered} />
  ) : (
    <RecoverRunning webhook={webhook} recovered={recovered} onClose={onClose} />
  );
}

function ChooseWindow({
  webhook,
  onClose,
  onStarted,
}: RecoverDialogProps & { onStarted: (r: Recovered) => void }) {
  const { reportError } = useFeedback();
  const [since, setSince] = useState(() => localDateText(new Date(Date.now() - DAY_MS)));
  const [until, setUntil] = useState("");
  const [starting, setStarting] = useState(false);
  /** Fields left at least once: half-typed dates are not errors before that. */
  const [left, setLeft] = useState<ReadonlySet<"since" | "until">>(new Set());
  const [startError, setStartError] = useState<ErrorView | null>(null);
  const typed = windowOf(since, until);
  const window = typed.ok ? typed.window : null;
  const count = useQuery(recoverableQuery(webhook.id, window));
  const error = startError ?? count.error;
  const fieldError = (field: "since" | "until") => {
    const message = typed.ok ? undefined : typed.errors[field];
    if (message) return left.has(field) ? [message] : [];
    return (error?.fields ?? []).filter((f) => f.field === field).map((f) => f.message);
  };
  const otherError = error && error.fields.length === 0 ? error.message : null;
  const n = count.data;

  async function start() {
    if (window === null) return;
    setStarting(true);
    setStartError(null);
    try {
      onStarted(await recover(webhook.id, window));
    } catch (e) {
      const view = e as ErrorView;
      if (view.kind === "invalid" || view.kind === "conflict") setStartError(view);
      else reportError(view, "The recover could not start");
      setStarting(false);
    }
  }

  let summary: string;
  if (window === null || error) summary = "";
  else if (n === undefined) summary = "Counting failed deliveries…";
  else if (n === 0) summary = "No event failed in this window: there is nothing to recover.";
  else
    summary = `${countText(n, "event")} whose latest delivery failed will be delivered again, in the order they were accepted.`;

  return (
    <ModalDialog
      title={`Recover failed deliveries of ${webhook.name}`}
      onCancel={onClose}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={window === null || !n || starting || error !== null}
            onClick={() => void start()}
          >
            {n ? `Recover ${countText(n, "delivery", "deliveries")}` : "Recover"}
          </button>
        </>
      }
    >
      <p>
        Every event whose most recent delivery to this webhook failed in the window gets a new
        delivery. Local time; leave “Until” empty for now.
      </p>
      <div className="recover-window">
        <BoundField
          label="Since"
          placeholder={DATE_FORMAT}
          autoFocus
          value={since}
          errors={fieldError("since")}
          onLeave={() => setLeft(new Set([...left, "since"]))}
          onChange={(text) => {
            setSince(text);
            setStartError(null);
          }}
        />
        <BoundField
          label="Until"
          placeholder="now"
          value={until}
          errors={fieldError("until")}
          onLeave={() => setLeft(new Set([...left, "until"]))}
          onChange={(text) => {
            setUntil(text);
            setStartError(null);
          }}
        />
      </div>
      {otherError && (
        <p className="field-error" role="alert">
          {otherError}
        </p>
      )}
      <p className="recover-count" role="status">
        {summary}
      </p>
    </ModalDialog>
  );
}

interface BoundFieldProps {
  label: string;
  placeholder: string;
  autoFocus?: boolean;
  value: string;
  errors: string[];
  onLeave: () => void;
  onChange: (text: string) => void;
}

/** One end of the window, typed as the Logs' date filters are, with its errors under it. */
function BoundField({
  label,
  placeholder,
  autoFocus,
  value,
  errors,
  onLeave,
  onChange,
}: BoundFieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <input
        id={id}
        className="input mono"
        type="text"
        data-autofocus={autoFocus || undefined}
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder}
        value={value}
        aria-invalid={errors.length > 0 || undefined}
        aria-describedby={`${id}-messages`}
        onBlur={onLeave}
        onChange={(e) => onChange(e.target.value)}
      />
      <FieldMessages id={`${id}-messages`} errors={errors} />
    </div>
  );
}

function RecoverRunning({
  webhook,
  recovered,
  onClose,
}: RecoverDialogProps & { recovered: Recovered }) {
  const { reportError } = useFeedback();
  const progress = useQuery(recoverProgressQuery(webhook.id, recovered)).data;
  const [cancelling, setCancelling] = useState(false);
  const [withdrawn, setWithdrawn] = useState<number | null>(null);
  const total = progress
    ? progress.succeeded + progress.failed + progress.waiting
    : recovered.deliveries;
  const done = progress ? progress.succeeded + progress.failed : 0;
  const finished = progress !== undefined && progress.waiting === 0;

  async function cancel() {
    setCancelling(true);
    try {
      setWithdrawn(await cancelRecover(webhook.id, recovered));
    } catch (e) {
      reportError(e as ErrorView, "The recover could not be cancelled");
    } finally {
      setCancelling(false);
    }
  }

  let outcome = "";
  if (withdrawn !== null && withdrawn > 0)
    outcome = `Cancelled: ${countText(withdrawn, "delivery", "deliveries")} not started yet were taken back. Their events stay failed, so a later Recover finds them again.`;
  else if (finished) outcome = done === total ? "Recovered: every delivery has ended." : "";

  return (
    <ModalDialog
      title={`Recovering ${webhook.name}`}
      onCancel={onClose}
      actions={
        <>
          {!finished && (
            <button
              type="button"
              className="button button-danger"
              disabled={cancelling}
              onClick={() => void cancel()}
            >
              Cancel recover
            </button>
          )}
          <button type="button" className="button button-primary" onClick={onClose} data-autofocus>
            {finished ? "Done" : "Keep going in the background"}
          </button>
        </>
      }
    >
      <progress
        className="recover-progress"
        value={done}
        max={Math.max(total, 1)}
        aria-label="Recovered deliveries"
      />
      <p role="status">
        {done.toLocaleString()} of {countText(total, "delivery", "deliveries")} delivered
        {progress && (progress.succeeded > 0 || progress.failed > 0)
          ? ` · ${progress.succeeded.toLocaleString()} succeeded, ${progress.failed.toLocaleString()} failed`
          : ""}
      </p>
      {outcome && <p>{outcome}</p>}
    </ModalDialog>
  );
}
