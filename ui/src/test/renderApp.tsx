import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../app/App";

/** Renders the whole app against the fake backend and waits for the list to load. */
export async function renderApp() {
  const user = userEvent.setup();
  const view = render(<App />);
  await screen.findByRole("heading", { name: "Webhooks" });
  await screen.findAllByText(/webhooks? yet|\d+ webhooks?/);
  return { user, ...view };
}
