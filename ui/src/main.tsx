import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
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

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
