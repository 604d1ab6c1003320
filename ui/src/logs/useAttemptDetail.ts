import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { AttemptDetail } from "../bindings/AttemptDetail";
import type { AttemptId } from "../bindings/AttemptId";
import type { ErrorView } from "../bindings/ErrorView";
import { attemptQuery } from "../ipc/queries";

type DetailState =
  | { id: AttemptId; status: "loading"; detail: AttemptDetail | null }
  | { id: AttemptId; status: "ready"; detail: AttemptDetail }
  | { id: AttemptId; status: "failed"; error: ErrorView; detail: AttemptDetail | null };

/**
 * One attempt in full with the other attempts of its delivery, from the query cache: the
 * notice router reads it again when a further attempt of that delivery is recorded, so the
 * list of attempts stays current.
 */
export function useAttemptDetail(id: AttemptId): DetailState & { retry: () => void } {
  const query = useQuery(attemptQuery(id));
  // Another attempt was chosen: the previous one shows until the new one arrives (or fails).
  const [shown, setShown] = useState<AttemptDetail | null>(null);
  if (query.data !== undefined && query.data !== shown) setShown(query.data);

  const retry = () => void query.refetch();
  if (query.error) {
    return { id, status: "failed", error: query.error, detail: query.data ?? shown, retry };
  }
  if (query.data === undefined) return { id, status: "loading", detail: shown, retry };
  return { id, status: "ready", detail: query.data, retry };
}
