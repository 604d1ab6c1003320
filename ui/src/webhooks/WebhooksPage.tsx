import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState } from "react";
import type { ErrorView } from "../bindings/ErrorView";
import type { ImportReport } from "../bindings/ImportReport";
import type { Webhook } from "../bindings/Webhook";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { PlusIcon } from "../components/icons";
import { useFeedback } from "../feedback/FeedbackContext";
import { exportConfig, importConfig, keyringStatus, setWebhooksActive } from "../ipc/commands";
import { onOpenLogs } from "../ipc/events";
import { useNoticeRouter } from "../ipc/NoticeRouterProvider";
import { healthBarsQuery } from "../ipc/queries";
import { SettingsDrawer } from "../webhookDrawer/SettingsDrawer";
import { ExportDialog } from "./ExportDialog";
import { ImportReportDialog } from "./ImportReportDialog";
import { ListMessage } from "./ListMessage";
import { LoadingRows } from "./LoadingRows";
import { SelectionBar } from "./SelectionBar";
import { useBulkActivation } from "./useBulkActivation";
import { useGlobalShortcuts } from "./useGlobalShortcuts";
import { useClock } from "./useClock";
import { useWebhookActivity } from "./useWebhookActivity";
import { useWebhookList } from "./useWebhookList";
import { matchesSearch } from "./webhookSearch";
import { WebhooksToolbar } from "./WebhooksToolbar";
import { WebhookTable } from "./WebhookTable";

interface OpenPanel {
  /** A new key mounts a fresh form. */
  key: number;
  initial: Webhook | null;
  /** The webhook's id and name once it exists (set when a new one is first saved). */
  id: string | null;
  name: string | null;
  /** What had focus when the panel was asked for: it gets it back when the panel closes. */
  returnFocus: HTMLElement | null;
  /** The tab it opens on (General when not said). */
  tab?: "logs";
}

/** The element with focus, unless that is nobody in particular. */
function focusedElement(): HTMLElement | null {
  const active = document.activeElement;
  return active instanceof HTMLElement && active !== document.body ? active : null;
}

interface PendingDiscard {
  what: string;
  proceed: () => void;
}

/** Marked once the webhooks list first shows; `make bench` reads it. */
const LIST_VISIBLE_MARK = "webhooks-list-visible";

const NO_HEALTH = {};

/** The main view: the list of webhooks, and the settings panel over it. */
export function WebhooksPage({ shown: pageShown = true }: { shown?: boolean }) {
  const { reportTrouble, reportError, showToast } = useFeedback();
  const list = useWebhookList();
  const { applyChanges, reloadWebhooks, forget } = list;
  const { activity } = useWebhookActivity();
  const health = useQuery(healthBarsQuery).data ?? NO_HEALTH;
  const router = useNoticeRouter();
  const now = useClock();
  const [search, setSearch] = useState("");
  const [showDisabled, setShowDisabled] = useState(false);
  // Disabled by the engine (410 Gone) while the list was open: it stays in view, with its
  // reason, until the user hides it; vanishing would leave the user wondering where it went.
  const [kept, setKept] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const [panel, setPanel] = useState<OpenPanel | null>(null);
  const [pendingDiscard, setPendingDiscard] = useState<PendingDiscard | null>(null);
  const [exporting, setExporting] = useState(false);
  const [importReport, setImportReport] = useState<ImportReport | null>(null);
  const dirtyRef = useRef(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const nextPanelKey = useRef(1);
  const bulk = useBulkActivation(applyChanges);

  // The moment the list is first on screen, for the cold-start benchmark (User Timing API).
  const listShown = list.webhooks !== null;
  useEffect(() => {
    if (listShown && performance.getEntriesByName(LIST_VISIBLE_MARK).length === 0) {
      performance.mark(LIST_VISIBLE_MARK);
    }
  }, [listShown]);

  useEffect(() => {
    keyringStatus().then(
      (status) => {
        if (!status.available) {
          reportTrouble(
            "The keyring cannot be reached",
            `${status.message} Header values and signing secrets cannot be saved or read until it can; nothing is stored elsewhere instead.`,
          );
        }
      },
      (error: ErrorView) => reportError(error, "Checking the keyring failed"),
    );
  }, [reportTrouble, reportError]);

  const webhooks = list.webhooks;
  const shown = useMemo(
    () => (webhooks ?? []).filter((w) => showDisabled || w.status !== "disabled" || kept.has(w.id)),
    [webhooks, showDisabled, kept],
  );
  const rows = useMemo(() => shown.filter((w) => matchesSearch(w, search)), [shown, search]);
  const selectedRows = rows.filter((w) => selected.has(w.id));
  const hiddenDisabled = (webhooks?.length ?? 0) - shown.length;

  /** Runs `proceed` at once, or after the user agrees to drop unsaved changes. */
  function guard(proceed: () => void) {
    if (panel && dirtyRef.current) {
      const what = panel.name ? `“${panel.name}”` : "the new webhook";
      setPendingDiscard({ what, proceed });
    } else {
      proceed();
    }
  }

  function open(initial: Webhook | null, tab?: "logs") {
    if (initial && panel?.id === initial.id && !tab) return;
    // Read now: once the panel renders, its Name field (autofocused) has focus.
    const returnFocus = focusedElement();
    guard(() => {
      dirtyRef.current = false;
      setPanel({
        key: nextPanelKey.current++,
        initial,
        id: initial?.id ?? null,
        name: initial?.name ?? null,
        returnFocus,
        tab,
      });
    });
  }

  function close() {
    guard(() => {
      dirtyRef.current = false;
      setPanel(null);
    });
  }

  useGlobalShortcuts({
    enabled: pageShown,
    onNew: () => open(null),
    onFocusSearch: () => searchRef.current?.focus(),
    onEscape: () => {
      if (panel) close();
    },
  });

  const onSaved = useCallback(
    (webhook: Webhook, created: boolean) => {
      applyChanges([webhook]);
      setPanel((p) => (p ? { ...p, id: webhook.id, name: webhook.name } : p));
      showToast({ message: created ? `Webhook “${webhook.name}” created` : "Changes saved" });
    },
    [applyChanges, showToast],
  );

  const onDeleted = useCallback(
    (webhook: Webhook) => {
      dirtyRef.current = false;
      setPanel(null);
      forget(webhook.id);
      setSelected((s) => new Set([...s].filter((id) => id !== webhook.id)));
      showToast({ message: `Webhook “${webhook.name}” deleted` });
    },
    [forget, showToast],
  );

  /** Reactivates a paused or disabled webhook; returns it as it is now, or null when that failed. */
  async function resume(webhook: Webhook): Promise<Webhook | null> {
    try {
      const [updated] = await setWebhooksActive([webhook.id], true);
      if (updated) applyChanges([updated]);
      showToast({
        message:
          webhook.status === "disabled"
            ? `“${webhook.name}” is active again`
            : `“${webhook.name}” resumed; held deliveries go out in order`,
      });
      return updated ?? null;
    } catch (error) {
      reportError(error as ErrorView, `Resuming “${webhook.name}” failed`);
      return null;
    }
  }

  const onPaused = useEffectEvent((id: string, code: string, reason: string) => {
    const webhook = webhooks?.find((w) => w.id === id);
    showToast({
      message: `Webhook “${webhook?.name ?? code}” was paused: ${reason}`,
      tone: "error",
      durationMs: 10000,
      action: webhook ? { label: "Resume", run: () => void resume(webhook) } : undefined,
    });
  });

  const onDisabled = useEffectEvent((id: string, code: string, reason: string) => {
    const webhook = webhooks?.find((w) => w.id === id);
    setKept((k) => new Set([...k, id]));
    showToast({
      message: `Webhook “${webhook?.name ?? code}” was deactivated: ${reason}`,
      tone: "error",
      durationMs: 15000,
      action: webhook ? { label: "Activate", run: () => void resume(webhook) } : undefined,
    });
  });

  // A click on a desktop notification: that webhook's Logs.
  const onOpenLogsEvent = useEffectEvent((id: string) => {
    const webhook = webhooks?.find((w) => w.id === id);
    if (webhook) open(webhook, "logs");
  });
  useEffect(() => onOpenLogs((id) => onOpenLogsEvent(id)), []);

  useEffect(
    () =>
      router.subscribe((notice) => {
        if (notice.kind === "webhook_paused")
          onPaused(notice.webhook_id, notice.code, notice.reason);
        else if (notice.kind === "webhook_disabled")
          onDisabled(notice.webhook_id, notice.code, notice.reason);
      }),
    [router],
  );

  async function bulkSetActive(active: boolean) {
    const targets = selectedRows.filter((w) => (active ? !w.active : w.status === "active"));
    if (await bulk.setActive(targets, active)) setSelected(new Set());
  }

  async function runExport(includeSecrets: boolean) {
    setExporting(false);
    try {
      const path = await exportConfig(includeSecrets);
      if (path !== null) showToast({ message: `Configuration exported to ${path}` });
    } catch (error) {
      reportError(error as ErrorView, "Exporting the configuration failed");
    }
  }

  async function runImport() {
    try {
      const report = await importConfig();
      if (report !== null) {
        setImportReport(report);
        reloadWebhooks();
      }
    } catch (error) {
      reportError(error as ErrorView, "Importing the configuration failed");
    }
  }

  const latest = panel?.id
    ? webhooks
      ? (webhooks.find((w) => w.id === panel.id) ?? null)
      : undefined
    : undefined;
  const summary =
    webhooks === null
      ? ""
      : `${webhooks.length} webhook${webhooks.length === 1 ? "" : "s"}` +
        (hiddenDisabled > 0 ? ` · ${hiddenDisabled} disabled hidden` : "");

  let body;
  if (webhooks === null) {
    body = list.loadError ? (
      <ListMessage
        title="The webhooks could not be loaded"
        action={
          <button type="button" className="button" onClick={() => reloadWebhooks()}>
            Try again
          </button>
        }
      >
        <p>{list.loadError.message}</p>
      </ListMessage>
    ) : (
      <LoadingRows />
    );
  } else if (webhooks.length === 0) {
    body = (
      <ListMessage
        title="No webhooks yet"
        action={
          <button type="button" className="button button-primary" onClick={() => open(null)}>
            <PlusIcon /> Create webhook
          </button>
        }
      >
        <p>
          A webhook sends an HTTP POST to a URL of your choice each time an event you pick happens —
          a task is created, a user signs out — so another system can react at once.
        </p>
      </ListMessage>
    );
  } else if (rows.length === 0 && search.trim() !== "") {
    body = (
      <ListMessage
        title="No matches"
        action={
          <button type="button" className="button" onClick={() => setSearch("")}>
            Clear search
          </button>
        }
      >
        <p>
          No {showDisabled ? "" : "shown "}webhook has “{search.trim()}” in its name, code or URL.
        </p>
      </ListMessage>
    );
  } else if (rows.length === 0) {
    body = (
      <ListMessage
        title="Every webhook is disabled"
        action={
          <button type="button" className="button" onClick={() => setShowDisabled(true)}>
            Show disabled webhooks
          </button>
        }
      >
        <p>Disabled webhooks are hidden and receive no events.</p>
      </ListMessage>
    );
  } else {
    body = (
      <WebhookTable
        rows={rows}
        catalog={list.catalog ?? []}
        selected={selected}
        openId={panel?.id ?? null}
        onToggle={(id, on) =>
          setSelected((s) => {
            const next = new Set(s);
            if (on) next.add(id);
            else next.delete(id);
            return next;
          })
        }
        onToggleAll={(on) => setSelected(on ? new Set(rows.map((w) => w.id)) : new Set())}
        onEdit={(w) => open(w)}
        activity={activity}
        health={health}
        onResume={(w) => void resume(w)}
        kept={kept}
        onHide={(w) => setKept((k) => new Set([...k].filter((id) => id !== w.id)))}
        now={now}
      />
    );
  }

  return (
    <div className="page" hidden={!pageShown}>
      <WebhooksToolbar
        search={search}
        onSearch={setSearch}
        searchRef={searchRef}
        onCreate={() => open(null)}
        showDisabled={showDisabled}
        onShowDisabled={setShowDisabled}
        onExport={() => setExporting(true)}
        onImport={() => void runImport()}
      />
      <SelectionBar
        selectedCount={selectedRows.length}
        canDeactivate={selectedRows.some((w) => w.status === "active")}
        canActivate={selectedRows.some((w) => !w.active)}
        busy={bulk.busy}
        onDeactivate={() => void bulkSetActive(false)}
        onActivate={() => void bulkSetActive(true)}
        onClear={() => setSelected(new Set())}
        summary={summary}
      />
      <main className="list-area">{body}</main>
      {panel && (
        <SettingsDrawer
          key={panel.key}
          initial={panel.initial}
          latest={latest}
          catalog={list.catalog}
          activity={panel.id ? activity[panel.id] : undefined}
          onResume={resume}
          dirtyRef={dirtyRef}
          returnFocus={panel.returnFocus}
          onClose={close}
          onSaved={onSaved}
          onDeleted={onDeleted}
          initialTab={panel.tab}
        />
      )}
      {pendingDiscard && (
        <ConfirmDialog
          title="Discard unsaved changes?"
          confirmLabel="Discard changes"
          cancelLabel="Keep editing"
          danger
          onCancel={() => setPendingDiscard(null)}
          onConfirm={() => {
            setPendingDiscard(null);
            dirtyRef.current = false;
            pendingDiscard.proceed();
          }}
        >
          <p>The changes to {pendingDiscard.what} have not been saved. They will be lost.</p>
        </ConfirmDialog>
      )}
      {exporting && (
        <ExportDialog
          onExport={(withSecrets) => void runExport(withSecrets)}
          onCancel={() => setExporting(false)}
        />
      )}
      {importReport && (
        <ImportReportDialog report={importReport} onClose={() => setImportReport(null)} />
      )}
    </div>
  );
}
