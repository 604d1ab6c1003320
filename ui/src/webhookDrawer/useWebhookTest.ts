import { useState } from "react";
import type { ErrorView } from "../bindings/ErrorView";
import type { TestRequest } from "../bindings/TestRequest";
import type { TestResult } from "../bindings/TestResult";
import { useFeedback } from "../feedback/FeedbackContext";
import { cancelTest, sendTest } from "../ipc/commands";
import { isSystemTrouble } from "../ipc/errors";
import type { WebhookEditor } from "./useWebhookEditor";

/** `edits`: the editor's edit count when it was sent (a later edit makes its result stale). */
export type TestState =
  | { status: "idle" }
  | { status: "sending"; eventType: string; startedAt: number; edits: number; testId: string }
  | { status: "done"; eventType: string; result: TestResult; edits: number }
  | { status: "failed"; eventType: string; message: string; edits: number };

const IDLE: TestState = { status: "idle" };

let testCounter = 0;
/** Names a Test so that it can be cancelled. */
function newTestId(): string {
  testCounter += 1;
  return `test-${Date.now().toString(36)}-${testCounter}`;
}

/**
 * **Test**: a sample of the chosen trigger type sent with the form as it is now, saved or not
 * (a new webhook sends the secret generated for it). Field problems go under their fields.
 * A result is about the form it was sent with: once the form is edited, it is no longer shown.
 */
export function useWebhookTest(editor: WebhookEditor) {
  const { reportError } = useFeedback();
  const [choice, setChoice] = useState<string | null>(null);
  const [sent, setSent] = useState<TestState>(IDLE);
  // Tests the user cancelled: their rejection is the cancellation, not a failure to send.
  const [cancelled] = useState(() => new Set<string>());
  const triggers = editor.input.events;
  // The first selected trigger unless another was chosen (and is still selected).
  const eventType = choice !== null && triggers.includes(choice) ? choice : (triggers[0] ?? null);
  const stale = sent.status !== "idle" && sent.status !== "sending" && sent.edits !== editor.edits;
  const state = stale ? IDLE : sent;

  async function run() {
    if (eventType === null || sent.status === "sending") return;
    const { saved, newSecret, edits } = editor;
    const request: TestRequest = {
      ...(saved ? { webhook_id: saved.id } : {}),
      input: saved || newSecret === null ? editor.input : { ...editor.input, secret: newSecret },
      event_type: eventType,
    };
    const testId = newTestId();
    setSent({ status: "sending", eventType, startedAt: Date.now(), edits, testId });
    try {
      setSent({ status: "done", eventType, result: await sendTest(request, testId), edits });
    } catch (reason) {
      const error = reason as ErrorView;
      if (cancelled.has(testId)) {
        cancelled.delete(testId);
        setSent({ status: "failed", eventType, message: error.message, edits });
        return;
      }
      if (error.kind === "invalid" && error.fields.length > 0) {
        editor.applyFieldErrors(error.fields);
        setSent({
          status: "failed",
          eventType,
          message: `Nothing was sent: ${error.fields.map((f) => f.message).join(" ")}`,
          edits,
        });
        return;
      }
      if (isSystemTrouble(error)) reportError(error, "Testing the webhook failed");
      setSent({
        status: "failed",
        eventType,
        message: `Nothing was sent: ${error.message}`,
        edits,
      });
    }
  }

  /** Stops waiting for a slow endpoint; the Test is then not logged. */
  function cancel() {
    if (sent.status !== "sending") return;
    cancelled.add(sent.testId);
    cancelTest(sent.testId).catch((error: ErrorView) =>
      reportError(error, "The Test could not be cancelled"),
    );
  }

  return {
    eventType,
    choose: setChoice,
    state,
    run: () => void run(),
    cancel,
    dismiss: () => setSent(IDLE),
  };
}

export type WebhookTest = ReturnType<typeof useWebhookTest>;
