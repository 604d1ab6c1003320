import { useCallback, useEffect, useRef, useState } from "react";
import type { ErrorView } from "../bindings/ErrorView";
import type { EventType } from "../bindings/EventType";
import type { Webhook } from "../bindings/Webhook";
import { useFeedback } from "../feedback/FeedbackContext";
import { catalog as loadCatalog, listWebhooks } from "../ipc/commands";
import { isSystemTrouble } from "../ipc/errors";
import { onNotice } from "../ipc/events";

/**
 * The webhooks and the event catalog, reloaded whenever the engine says they changed
 * (the panel, the CLI and the Events API all change them).
 */
export function useWebhookList() {
  const { reportError } = useFeedback();
  const [webhooks, setWebhooks] = useState<Webhook[] | null>(null);
  const [catalog, setCatalog] = useState<EventType[] | null>(null);
  const [loadError, setLoadError] = useState<ErrorView | null>(null);
  // Only the latest reload may write: an older, slower answer would show a stale list.
  const listRequest = useRef(0);

  const reloadWebhooks = useCallback(() => {
    const request = ++listRequest.current;
    listWebhooks().then(
      (list) => {
        if (request !== listRequest.current) return;
        setWebhooks(list);
        setLoadError(null);
      },
      (error: ErrorView) => {
        if (request !== listRequest.current) return;
        setLoadError(error);
        if (isSystemTrouble(error)) reportError(error, "Loading the webhooks failed");
      },
    );
  }, [reportError]);

  const reloadCatalog = useCallback(() => {
    loadCatalog().then(setCatalog, (error: ErrorView) =>
      reportError(error, "Loading the event types failed"),
    );
  }, [reportError]);

  useEffect(() => {
    reloadWebhooks();
    reloadCatalog();
    return onNotice((notice) => {
      if (notice.kind === "webhooks_changed" || notice.kind === "missed") reloadWebhooks();
      if (notice.kind === "catalog_changed" || notice.kind === "missed") reloadCatalog();
    });
  }, [reloadWebhooks, reloadCatalog]);

  /** Shows webhooks the backend just returned, before the reload that follows. */
  const applyChanges = useCallback((changed: readonly Webhook[]) => {
    setWebhooks((list) => {
      if (!list) return list;
      const fresh = changed.filter((c) => !list.some((w) => w.id === c.id));
      return [...list.map((w) => changed.find((c) => c.id === w.id) ?? w), ...fresh];
    });
  }, []);

  const forget = useCallback((id: string) => {
    setWebhooks((list) => list?.filter((w) => w.id !== id) ?? list);
  }, []);

  return { webhooks, catalog, loadError, reloadWebhooks, applyChanges, forget };
}
