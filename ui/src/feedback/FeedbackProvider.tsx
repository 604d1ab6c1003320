import { useCallback, useMemo, useRef, useState, type ReactNode } from "react";
import type { ErrorView } from "../bindings/ErrorView";
import { isSystemTrouble } from "../ipc/errors";
import {
  FeedbackContext,
  type Feedback,
  type Toast,
  type ToastRequest,
  type Trouble,
} from "./FeedbackContext";

const DEFAULT_TOAST_MS = 4000;

const TROUBLE_TITLES: Partial<Record<ErrorView["kind"], string>> = {
  keyring: "The keyring cannot be used",
  database: "The database reported a problem",
  io: "A file could not be read or written",
};

export function FeedbackProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [troubles, setTroubles] = useState<Trouble[]>([]);
  const nextId = useRef(1);

  const dismissToast = useCallback((id: number) => {
    setToasts((all) => all.filter((t) => t.id !== id));
  }, []);

  const showToast = useCallback(
    (request: ToastRequest) => {
      const id = nextId.current++;
      const toast: Toast = {
        id,
        message: request.message,
        tone: request.tone ?? "info",
        action: request.action ?? null,
      };
      // A newer toast replaces an older one of the same text (e.g. repeated "Copied").
      setToasts((all) => [...all.filter((t) => t.message !== toast.message), toast]);
      window.setTimeout(() => dismissToast(id), request.durationMs ?? DEFAULT_TOAST_MS);
    },
    [dismissToast],
  );

  const reportTrouble = useCallback((title: string, message: string) => {
    setTroubles((all) => {
      if (all.some((t) => t.title === title && t.message === message)) return all;
      return [...all, { id: nextId.current++, title, message }];
    });
  }, []);

  const dismissTrouble = useCallback((id: number) => {
    setTroubles((all) => all.filter((t) => t.id !== id));
  }, []);

  const reportError = useCallback(
    (error: ErrorView, doing: string) => {
      if (isSystemTrouble(error)) {
        reportTrouble(TROUBLE_TITLES[error.kind] ?? doing, error.message);
      } else {
        showToast({ message: `${doing}: ${error.message}`, tone: "error", durationMs: 8000 });
      }
    },
    [reportTrouble, showToast],
  );

  const value = useMemo<Feedback>(
    () => ({
      toasts,
      troubles,
      showToast,
      dismissToast,
      reportTrouble,
      dismissTrouble,
      reportError,
    }),
    [toasts, troubles, showToast, dismissToast, reportTrouble, dismissTrouble, reportError],
  );

  return <FeedbackContext.Provider value={value}>{children}</FeedbackContext.Provider>;
}
