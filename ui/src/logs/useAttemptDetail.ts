import { useEffect, useEffectEvent, useState } from "react";
import type { AttemptDetail } from "../bindings/AttemptDetail";
import type { ErrorView } from "../bindings/ErrorView";
import { getAttempt } from "../ipc/commands";
import { onNotice } from "../ipc/events";

type DetailState =
  | { id: string; status: "loading"; detail: AttemptDetail | null }
  | { id: string; status: "ready"; detail: AttemptDetail }
  | { id: string; status: "failed"; error: ErrorView; detail: AttemptDetail | null };

/**
 * One attempt in full with the other attempts of its delivery; asked again when a further
 * attempt of that delivery is recorded, so the list of attempts stays current.
 */
export function useAttemptDetail(id: string) {
  const [state, setState] = useState<DetailState>({ id, status: "loading", detail: null });
  const [version, setVersion] = useState(0);

  // Another attempt was chosen: keep showing the previous one until the new one arrives.
  if (state.id !== id) setState({ id, status: "loading", detail: state.detail });

  useEffect(() => {
    let live = true;
    getAttempt(id).then(
      (detail) => {
        if (live) setState({ id, status: "ready", detail });
      },
      (error: ErrorView) => {
        if (live) setState((s) => ({ id, status: "failed", error, detail: s.detail }));
      },
    );
    return () => {
      live = false;
    };
  }, [id, version]);

  const deliveryId = state.detail?.attempt.delivery_id ?? null;
  const onRecorded = useEffectEvent((delivery: string) => {
    if (delivery === deliveryId) setVersion((v) => v + 1);
  });
  useEffect(
    () =>
      onNotice((notice) => {
        if (notice.kind === "attempt_recorded") onRecorded(notice.attempt.delivery_id);
        else if (notice.kind === "missed") setVersion((v) => v + 1);
      }),
    [],
  );

  return { ...state, retry: () => setVersion((v) => v + 1) };
}
