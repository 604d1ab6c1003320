import { useEffect, useState } from "react";
import type { AppInfo } from "../bindings/AppInfo";
import type { ErrorView } from "../bindings/ErrorView";
import { FeedbackProvider } from "../feedback/FeedbackProvider";
import { ToastRegion } from "../feedback/ToastRegion";
import { TroubleBanner } from "../feedback/TroubleBanner";
import { appInfo } from "../ipc/commands";
import { WebhooksPage } from "../webhooks/WebhooksPage";
import { StartupError } from "./StartupError";

type Startup =
  { state: "loading" } | { state: "ready"; info: AppInfo } | { state: "failed"; error: ErrorView };

export function App() {
  const [startup, setStartup] = useState<Startup>({ state: "loading" });

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
        <WebhooksPage />
        <ToastRegion />
      </div>
    </FeedbackProvider>
  );
}
