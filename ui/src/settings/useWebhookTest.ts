import { useState } from "react";
import type { ErrorView } from "../bindings/ErrorView";
import type { TestRequest } from "../bindings/TestRequest";
import type { TestResult } from "../bindings/TestResult";
import { useFeedback } from "../feedback/FeedbackContext";
import { sendTest } from "../ipc/commands";
import { isSystemTrouble } from "../ipc/errors";
import type { WebhookEditor } from "./useWebhookEditor";

export type TestState =
  | { status: "idle" }
  | { status: "sending"; eventType: string }
  | { status: "done"; eventType: string; result: TestResult }
  | { status: "failed"; eventType: string; message: string };

/**
 * **Test**: a sample of the chosen trigger type sent with the form as it is now, saved or not
 * (a new webhook sends the secret generated for it). Field problems go under their fields.
 */
export function useWebhookTest(editor: WebhookEditor) {
  const { reportError } = useFeedback();
  const [choice, setChoice] = useState<string | null>(null);
  const [state, setState] = useState<TestState>({ status: "idle" });
  const triggers = editor.input.events;
  // The first selected trigger unless another was chosen (and is still selected).
  const eventType = choice !== null && triggers.includes(choice) ? choice : (triggers[0] ?? null);

  async function run() {
    if (eventType === null || state.status === "sending") return;
    const { saved, newSecret } = editor;
    const request: TestRequest = {
      ...(saved ? { webhook_id: saved.id } : {}),
      input: saved || newSecret === null ? editor.input : { ...editor.input, secret: newSecret },
      event_type: eventType,
    };
    setState({ status: "sending", eventType });
    try {
      setState({ status: "done", eventType, result: await sendTest(request) });
    } catch (reason) {
      const error = reason as ErrorView;
      if (error.kind === "invalid" && error.fields.length > 0) {
        editor.applyFieldErrors(error.fields);
        setState({
          status: "failed",
          eventType,
          message: `Nothing was sent: ${error.fields.map((f) => f.message).join(" ")}`,
        });
        return;
      }
      if (isSystemTrouble(error)) reportError(error, "Testing the webhook failed");
      setState({ status: "failed", eventType, message: `Nothing was sent: ${error.message}` });
    }
  }

  return {
    eventType,
    choose: setChoice,
    state,
    run: () => void run(),
    dismiss: () => setState({ status: "idle" }),
  };
}

export type WebhookTest = ReturnType<typeof useWebhookTest>;
