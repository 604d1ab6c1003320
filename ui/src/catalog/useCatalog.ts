import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { useReportedError } from "../feedback/useReportedError";
import { catalogQuery, queryKeys } from "../ipc/queries";

/** The event type catalog, as `catalog_changed` last said it (custom types: here, the CLI, an import). */
export function useCatalog() {
  const client = useQueryClient();
  const query = useQuery(catalogQuery);
  useReportedError(query.error, "Loading the event types failed");
  const reload = useCallback(
    () => void client.invalidateQueries({ queryKey: queryKeys.catalog }),
    [client],
  );
  return { types: query.data ?? null, reload };
}
