import { useEffect, useState } from "react";
import type { AppInfo } from "../bindings/AppInfo";
import type { ErrorView } from "../bindings/ErrorView";
import { FeedbackProvider } from "../feedback/FeedbackProvider";
import { ToastRegion } from "../feedback/ToastRegion";
import { TroubleBanner } from "../feedback/TroubleBanner";
import { HealthPage } from "../health/HealthPage";
import { appInfo } from "../ipc/commands";
import { onOpenLogs } from "../ipc/events";
import { DeliveriesPage } from "../logs/DeliveriesPage";
import { SettingsPage } from "../settingsPage/SettingsPage";
import { WebhooksPage } from "../webhooks/WebhooksPage";
import { AppNav, type Section } from "./AppNav";
import { StartupError } from "./StartupError";

type Startup =
  { state: "loading" } | { state: "ready"; info: AppInfo } | { state: "failed"; error: ErrorView };

export function App() {
  const [startup, setStartup] = useState<Startup>({ state: "loading" });
  const [section, setSection] = useState<Section>("webhooks");
  // A section stays mounted once opened, so its state (an open panel, typed values, the
  // scroll position) is still there on coming back.
  const [opened, setOpened] = useState<ReadonlySet<Section>>(() => new Set(["webhooks"]));

  function show(next: Section) {
    setSection(next);
    setOpened((all) => (all.has(next) ? all : new Set([...all, next])));
  }

  // A click on a desktop notification opens a webhook's Logs, which are on the Webhooks page.
  useEffect(() => onOpenLogs(() => setSection("webhooks")), []);

  useEffect(() => {
    appInfo().then(
      (info) => setStartup({ state: "ready", info }),
      (error: ErrorView) => setStartup({ state: "failed", error }),
    );
  }, []);

  if (startup.state === "loading") return <div className="app app-loading" aria-busy="true" />;
  if (startup.state === "failed") return <StartupError error={startup.error} dataDir={null} />;
  const { info } = startup;
  if (info.startup_error) {
    return <StartupError error={info.startup_error} dataDir={info.data_dir || null} />;
  }
  return (
    <FeedbackProvider>
      <div className="app">
        <TroubleBanner />
        <AppNav current={section} onSelect={show} />
        <WebhooksPage shown={section === "webhooks"} />
        {opened.has("deliveries") && <DeliveriesPage shown={section === "deliveries"} />}
        {opened.has("health") && <HealthPage shown={section === "health"} />}
        {opened.has("settings") && <SettingsPage shown={section === "settings"} />}
        <ToastRegion />
      </div>
    </FeedbackProvider>
  );
}
