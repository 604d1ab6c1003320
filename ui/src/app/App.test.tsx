import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { backend } from "../test/fakeBackend";
import { renderWithProviders } from "../test/renderApp";
import { App } from "./App";

describe("startup", () => {
  it("shows only the startup error when the engine could not open", async () => {
    backend.startupError = {
      kind: "already_running",
      message: "Hookdesk is already running for /tmp/hookdesk (process 4242).",
      fields: [],
    };
    renderWithProviders(<App />);
    expect(await screen.findByRole("heading", { name: "Hookdesk could not start" })).toBeVisible();
    expect(screen.getByText(/already running for \/tmp\/hookdesk/)).toBeVisible();
    expect(screen.queryByRole("heading", { name: "Webhooks" })).not.toBeInTheDocument();
    expect(backend.callsOf("list_webhooks")).toEqual([]);
  });
});
