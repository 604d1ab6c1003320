import { useEffect, useEffectEvent, useRef, useState, type RefObject } from "react";
import type { AttemptId } from "../bindings/AttemptId";
import type { EventType } from "../bindings/EventType";
import type { Webhook } from "../bindings/Webhook";
import type { WebhookActivity } from "../bindings/WebhookActivity";
import { CloseIcon, CollapseIcon, ErrorIcon, ExpandIcon } from "../components/icons";
import { Switch } from "../components/Switch";
import { Tabs, type TabDefinition } from "../components/Tabs";
import { DrawerResizeHandle } from "./DrawerResizeHandle";
import { revealFirstProblem } from "./firstProblem";
import { GeneralInformationTab } from "./GeneralInformationTab";
import { StatusNote } from "./StatusNote";
import { TestControls } from "./TestControls";
import { TestResultPanel } from "./TestResultPanel";
import { MIN_DRAWER_WIDTH, useDrawerLayout } from "./useDrawerLayout";
import { useWebhookEditor } from "./useWebhookEditor";
import { useWebhookTest } from "./useWebhookTest";
import { HealthView } from "../health/HealthView";
import { WebhookLogsTab } from "./WebhookLogsTab";

interface SettingsDrawerProps {
  /** The webhook to edit as it was when opened; null for a new one. */
  initial: Webhook | null;
  /** The list's current copy of it (undefined while unknown, null when gone). */
  latest: Webhook | null | undefined;
  catalog: readonly EventType[] | null;
  /** Its last attempt and queue (saved webhooks). */
  activity: WebhookActivity | undefined;
  /** Reactivates a paused webhook; resolves to it as it now is, or null when that failed. */
  onResume: (webhook: Webhook) => Promise<Webhook | null>;
  /** Kept current with whether the form has unsaved changes (read by the close guard). */
  dirtyRef: RefObject<boolean>;
  /** Gets focus back when the panel closes (what had it when the panel was asked for). */
  returnFocus: HTMLElement | null;
  onClose: () => void;
  onSaved: (webhook: Webhook, created: boolean) => void;
  onDeleted: (webhook: Webhook) => void;
  /** The tab shown first: General, unless asked for another (a notification opens Logs). */
  initialTab?: "general" | "logs" | "health";
}

const NO_CATALOG: readonly EventType[] = [];

/**
 * The settings panel: a drawer over the list (which stays put, scroll and all). Its header
 * holds the actions, Test among them; its body holds the tabs (Logs once it is saved).
 */
export function SettingsDrawer({
  initial,
  latest,
  catalog,
  activity,
  onResume,
  dirtyRef,
  returnFocus,
  onClose,
  onSaved,
  onDeleted,
  initialTab = "general",
}: SettingsDrawerProps) {
  const editor = useWebhookEditor({ initial, latest, catalog: catalog ?? NO_CATALOG, onSaved });
  const test = useWebhookTest(editor);
  const [tab, setTab] = useState<string>(initialTab);
  const [logsOpenId, setLogsOpenId] = useState<AttemptId | null>(null);
  const [resuming, setResuming] = useState(false);
  const panel = useRef<HTMLElement>(null);
  const layout = useDrawerLayout();
  const heading = useRef<HTMLHeadingElement>(null);
  const { saved } = editor;

  useEffect(() => {
    dirtyRef.current = editor.dirty;
  }, [dirtyRef, editor.dirty]);

  // Opening a saved webhook puts focus on the panel's title (a new one focuses Name), and
  // closing returns it to what had it before the panel was asked for.
  useEffect(() => {
    if (initial !== null) heading.current?.focus();
    return () => {
      if (returnFocus?.isConnected) returnFocus.focus();
    };
    // Only on open and close.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function saveNow() {
    const outcome = await editor.save();
    if (outcome === "invalid") {
      // The fields are on the General information tab; after the errors render, take the
      // user to the first one.
      setTab("general");
      window.requestAnimationFrame(() => {
        if (panel.current) revealFirstProblem(panel.current);
      });
    }
  }
  const onSaveShortcut = useEffectEvent(() => void saveNow());

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "s") {
        event.preventDefault();
        onSaveShortcut();
      }
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  async function resume() {
    if (!saved) return;
    setResuming(true);
    const resumed = await onResume(saved);
    setResuming(false);
    if (resumed) editor.applyResumed(resumed);
  }

  const tabs: TabDefinition[] = [
    {
      id: "general",
      label: "General information",
      content: <GeneralInformationTab editor={editor} catalog={catalog} onDeleted={onDeleted} />,
    },
    {
      id: "logs",
      label: "Logs",
      disabled: !saved,
      hint: saved ? undefined : "Save the webhook first: its deliveries are logged once it exists.",
      content: saved && (
        <WebhookLogsTab
          webhook={saved}
          catalog={catalog ?? NO_CATALOG}
          activity={activity}
          openAttemptId={logsOpenId}
        />
      ),
    },
    {
      id: "health",
      label: "Health",
      disabled: !saved,
      hint: saved ? undefined : "Save the webhook first: its health is counted once it delivers.",
      content: saved && <HealthView webhookId={saved.id} />,
    },
  ];
  const resumeButton = saved?.status === "paused" && (
    <button
      type="button"
      className="button"
      aria-label={`Resume ${saved.name}`}
      disabled={resuming}
      aria-busy={resuming || undefined}
      title="Reactivate it; the held deliveries go out in order"
      onClick={() => void resume()}
    >
      Resume
    </button>
  );

  const title = saved ? saved.name : "New webhook";
  return (
    <aside
      ref={panel}
      className={layout.full ? "drawer drawer-full" : "drawer"}
      role="dialog"
      aria-labelledby="drawer-title"
      // Through the CSSOM (allowed by the CSP); the stylesheet caps it to the window.
      style={!layout.full && layout.width !== null ? { width: layout.width } : undefined}
    >
      {!layout.full && (
        <DrawerResizeHandle
          width={layout.width}
          currentWidth={() => panel.current?.getBoundingClientRect().width ?? MIN_DRAWER_WIDTH}
          maxWidth={() => (panel.current?.parentElement?.clientWidth ?? window.innerWidth) - 48}
          onResize={layout.setWidth}
        />
      )}
      <header className="drawer-header">
        <div className="drawer-heading">
          <h2 id="drawer-title" ref={heading} tabIndex={-1} className="drawer-title">
            {title}
          </h2>
          <p className="drawer-subtitle">
            {saved ? <span className="mono">{saved.code}</span> : "Not saved yet"}
            {editor.dirty && <span className="unsaved-note"> · Unsaved changes</span>}
          </p>
        </div>
        <div className="drawer-actions">
          {resumeButton}
          <Switch label="Active" checked={editor.form.active} onChange={editor.setActive} />
          {editor.dirty && editor.problemCount > 0 && (
            <button
              type="button"
              className="link-button problem-count"
              onClick={() => {
                editor.showAllErrors();
                void saveNow();
              }}
            >
              <ErrorIcon />
              {editor.problemCount === 1
                ? "1 field to fix"
                : `${editor.problemCount} fields to fix`}
            </button>
          )}
          <TestControls
            test={test}
            triggers={editor.input.events}
            catalog={catalog ?? NO_CATALOG}
          />
          <button
            type="button"
            className="button button-primary"
            disabled={!editor.canSave}
            aria-busy={editor.saving || undefined}
            onClick={() => void saveNow()}
            title="Save (Ctrl+S)"
          >
            Save
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={layout.full ? "Exit full width" : "Full width"}
            aria-pressed={layout.full}
            title={
              layout.full
                ? "Back to a panel beside the list"
                : "Widen the panel to the whole window (remembered)"
            }
            onClick={() => layout.setFull(!layout.full)}
          >
            {layout.full ? <CollapseIcon /> : <ExpandIcon />}
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label="Close"
            title="Close (Esc)"
            onClick={onClose}
          >
            <CloseIcon />
          </button>
        </div>
      </header>
      {saved && <StatusNote webhook={saved} />}
      {/* About the form: it stays with the form, not over the Logs. */}
      {tab === "general" && (
        <TestResultPanel
          state={test.state}
          onDismiss={test.dismiss}
          onCancel={test.cancel}
          onShowInLogs={(attemptId) => {
            setLogsOpenId(attemptId);
            setTab("logs");
          }}
        />
      )}
      {editor.deletedElsewhere && (
        <p className="drawer-error" role="alert">
          <ErrorIcon /> This webhook was deleted elsewhere (by the command line, the Events API or
          an import). Your changes can no longer be saved.
        </p>
      )}
      {editor.panelError && (
        <p className="drawer-error" role="alert">
          <ErrorIcon /> Saving failed: {editor.panelError} Your changes are still here; try again.
        </p>
      )}
      {/* The Logs tab scrolls its own rows: the body then fits the drawer instead. */}
      <div className={tab === "logs" && saved ? "drawer-body drawer-body-fit" : "drawer-body"}>
        <Tabs label="Webhook settings" tabs={tabs} selected={tab} onSelect={setTab} />
      </div>
    </aside>
  );
}
