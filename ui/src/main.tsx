import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { NoticeRouterProvider } from "./ipc/NoticeRouterProvider";
import { createAppQueryClient } from "./ipc/queries";
import "./styles/theme.css";
import "./styles/base.css";
import "./styles/controls.css";
import "./styles/list.css";
import "./styles/drawer.css";
import "./styles/feedback.css";
import "./styles/nav.css";
import "./styles/logs.css";
import "./styles/settings-page.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

/** What the window reads from the engine, kept current by its notices. */
const queryClient = createAppQueryClient();

createRoot(root).render(
  <StrictMode>
    <NoticeRouterProvider client={queryClient}>
      <App />
    </NoticeRouterProvider>
  </StrictMode>,
);
