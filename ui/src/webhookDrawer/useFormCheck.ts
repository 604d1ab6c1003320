import { useEffect, useEffectEvent, useState } from "react";
import type { ErrorView } from "../bindings/ErrorView";
import type { Validation } from "../bindings/Validation";
import type { WebhookInput } from "../bindings/WebhookInput";
import { checkWebhook } from "../ipc/commands";

/** Long enough to skip most keystrokes, short enough to feel live. */
export const CHECK_DEBOUNCE_MS = 150;

interface FormCheckHandlers {
  onSuggestedCode: (code: string) => void;
  onError: (error: ErrorView) => void;
}

/**
 * Asks the engine to check the form as the user types (debounced): field errors, warnings,
 * and for a new webhook the Code suggested from the Name. Only the answer to the latest
 * request is used, so a slow answer for an older Name never overwrites a newer one.
 */
export function useFormCheck(
  input: WebhookInput,
  existingId: string | null,
  { onSuggestedCode, onError }: FormCheckHandlers,
): Validation | null {
  const [validation, setValidation] = useState<Validation | null>(null);
  const requestKey = JSON.stringify(input);
  const suggested = useEffectEvent(onSuggestedCode);
  const failed = useEffectEvent(onError);

  useEffect(() => {
    let current = true;
    const timer = window.setTimeout(() => {
      checkWebhook(JSON.parse(requestKey) as WebhookInput, existingId).then(
        (check) => {
          if (!current) return;
          setValidation(check.validation);
          if (check.suggested_code !== null) suggested(check.suggested_code);
        },
        (error: ErrorView) => {
          if (current) failed(error);
        },
      );
    }, CHECK_DEBOUNCE_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [requestKey, existingId]);

  return validation;
}
