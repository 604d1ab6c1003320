import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import type { Webhook } from "../bindings/Webhook";
import { useReportedError } from "../feedback/useReportedError";
import { isSystemTrouble } from "../ipc/errors";
import {
  catalogQuery,
  queryKeys,
  removeWebhook,
  upsertWebhooks,
  webhooksQuery,
} from "../ipc/queries";

/**
 * The webhooks and the event catalog, from the query cache: the notice router keeps them as
 * the engine says they are now (the panel, the CLI and the Events API all change them).
 */
export function useWebhookList() {
  const client = useQueryClient();
  const list = useQuery(webhooksQuery);
  const catalog = useQuery(catalogQuery);
  useReportedError(list.error, "Loading the webhooks failed", isSystemTrouble);
  useReportedError(catalog.error, "Loading the event types failed");

  const reloadWebhooks = useCallback(
    () => void client.invalidateQueries({ queryKey: queryKeys.webhooks }),
    [client],
  );

  /** Shows webhooks the backend just returned (saved, activated, rotated). */
  const applyChanges = useCallback(
    (changed: readonly Webhook[]) => upsertWebhooks(client, changed),
    [client],
  );

  const forget = useCallback((id: string) => removeWebhook(client, id), [client]);

  return {
    webhooks: list.data ?? null,
    catalog: catalog.data ?? null,
    loadError: list.error,
    reloadWebhooks,
    applyChanges,
    forget,
  };
}
