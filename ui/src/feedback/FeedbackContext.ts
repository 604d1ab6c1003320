import { createContext, useContext } from "react";
import type { ErrorView } from "../bindings/ErrorView";

export type ToastTone = "info" | "error";

export interface ToastAction {
  label: string;
  run: () => void;
}

export interface ToastRequest {
  message: string;
  tone?: ToastTone;
  action?: ToastAction;
  /** How long it stays; long enough to reach an Undo button. */
  durationMs?: number;
}

export interface Toast extends Required<Omit<ToastRequest, "action" | "durationMs">> {
  id: number;
  action: ToastAction | null;
}

export interface Trouble {
  id: number;
  title: string;
  message: string;
}

export interface Feedback {
  toasts: Toast[];
  troubles: Trouble[];
  showToast: (request: ToastRequest) => void;
  dismissToast: (id: number) => void;
  /** Keyring, database and file trouble: a banner at the top, with the cause. */
  reportTrouble: (title: string, message: string) => void;
  dismissTrouble: (id: number) => void;
  /**
   * Where an error from an action goes when there is no field to put it under: system
   * trouble to the banner, anything else to an error toast. `doing` says what failed.
   */
  reportError: (error: ErrorView, doing: string) => void;
}

export const FeedbackContext = createContext<Feedback | null>(null);

export function useFeedback(): Feedback {
  const feedback = useContext(FeedbackContext);
  if (!feedback) throw new Error("useFeedback needs a FeedbackProvider above it");
  return feedback;
}
