import type { QueryClient } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactElement, ReactNode } from "react";
import { App } from "../app/App";
import { NoticeRouterProvider } from "../ipc/NoticeRouterProvider";
import { createAppQueryClient } from "../ipc/queries";

/**
 * A fresh cache per test: the app's defaults, no retries, and nothing collected while a
 * test runs (no timers left behind).
 */
export function createTestQueryClient(): QueryClient {
  const client = createAppQueryClient();
  client.setDefaultOptions({
    queries: { ...client.getDefaultOptions().queries, retry: false, gcTime: Infinity },
    mutations: { ...client.getDefaultOptions().mutations, retry: false },
  });
  return client;
}

/** The providers the app runs under (main.tsx), around `children`. */
export function TestProviders({ client, children }: { client: QueryClient; children: ReactNode }) {
  return <NoticeRouterProvider client={client}>{children}</NoticeRouterProvider>;
}

/** Renders `ui` under the app's providers with a fresh test cache. */
export function renderWithProviders(ui: ReactElement, client = createTestQueryClient()) {
  return { client, ...render(<TestProviders client={client}>{ui}</TestProviders>) };
}

/** Renders the whole app against the fake backend and waits for the list to load. */
export async function renderApp() {
  const user = userEvent.setup();
  const view = renderWithProviders(<App />);
  await screen.findByRole("heading", { name: "Webhooks" });
  await screen.findAllByText(/webhooks? yet|\d+ webhooks?/);
  return { user, ...view };
}
