import { screen, within } from "@testing-library/react";
import { renderApp } from "./renderApp";

/** Renders the app, opens the named webhook's panel and its Logs tab. */
export async function openWebhookLogs(name: string) {
  const app = await renderApp();
  await app.user.click(screen.getByRole("button", { name: `Edit ${name}` }));
  const drawer = await screen.findByRole("dialog", { name });
  await app.user.click(within(drawer).getByRole("tab", { name: "Logs" }));
  const table = await within(drawer).findByRole("table", { name: `Attempts of ${name}` });
  return { ...app, drawer, table };
}

/** The scrolling element of a logs table. */
export function viewportOf(table: HTMLElement): HTMLElement {
  const viewport = table.querySelector<HTMLElement>(".log-viewport");
  if (!viewport) throw new Error("the logs table has no viewport");
  return viewport;
}
