import { useCallback, useEffect, useState } from "react";
import type { ErrorView } from "../bindings/ErrorView";
import type { EventType } from "../bindings/EventType";
import { useFeedback } from "../feedback/FeedbackContext";
import { catalog as loadCatalog } from "../ipc/commands";
import { onNotice } from "../ipc/events";

/** The event type catalog, reloaded when custom types change (here, by the CLI or an import). */
export function useCatalog() {
  const { reportError } = useFeedback();
  const [types, setTypes] = useState<EventType[] | null>(null);

  const reload = useCallback(() => {
    loadCatalog().then(setTypes, (error: ErrorView) =>
      reportError(error, "Loading the event types failed"),
    );
  }, [reportError]);

  useEffect(() => {
    reload();
    return onNotice((notice) => {
      if (notice.kind === "catalog_changed" || notice.kind === "missed") reload();
    });
  }, [reload]);

  return { types, reload };
}
