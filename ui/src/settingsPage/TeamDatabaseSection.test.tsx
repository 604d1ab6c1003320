import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { backend, makeWebhook } from "../test/fakeBackend";
import { sendNotice } from "../test/notices";
import { renderApp } from "../test/renderApp";

const TEAM = "alice@db.example.com:5432/hookdesk";
const KEY = "YW5vdGhlci10ZWFtLWtleS1mcm9tLXRoZS1mYWtlISE=";

async function openSettings() {
  const app = await renderApp();
  await app.user.click(screen.getByRole("button", { name: "Settings" }));
  await screen.findByRole("heading", { name: "Settings", level: 1 });
  const section = screen.getByRole("region", { name: "Team database" });
  await waitFor(() => expect(section).toHaveTextContent(/This computer's database|Team database /));
  return { ...app, section };
}

/** The badge of the top bar, if any. */
function badge() {
  return within(screen.getByRole("navigation", { name: "Sections" })).queryByText(/^Team:/);
}

describe("Settings → Team database", () => {
  it("joins a team database: the section and the top bar say so, and the lists are read again", async () => {
    // The join's answer waits until the test lets it through.
    let answer: () => void = () => undefined;
    const handle = backend.handle.bind(backend);
    vi.spyOn(backend, "handle").mockImplementation((cmd, args) => {
      if (cmd !== "join_team") return handle(cmd, args);
      return new Promise((resolve) => (answer = () => resolve(handle(cmd, args))));
    });
    const { user, section } = await openSettings();
    expect(section).toHaveTextContent("This computer's database");
    expect(badge()).not.toBeInTheDocument();
    const join = within(section).getByRole("button", { name: "Join team database" });
    expect(join).toBeDisabled();

    // What the team database holds shows once the window works on it.
    backend.seed(makeWebhook({ name: "Team orders" }));
    await user.type(
      within(section).getByLabelText("Database URL"),
      "  postgres://alice:pw@db.example.com/hookdesk ",
    );
    expect(join).toBeDisabled();
    const key = within(section).getByLabelText("Team key");
    expect(key).toHaveAttribute("type", "password");
    await user.type(key, `${KEY}{Enter}`);

    const connecting = await within(section).findByRole("button", { name: "Connecting…" });
    expect(connecting).toBeDisabled();
    expect(connecting).toHaveAttribute("aria-busy", "true");
    answer();

    await waitFor(() =>
      expect(section).toHaveTextContent(`Team database ${TEAM} as worker desktop-ana-4f2a`),
    );
    expect(backend.callsOf("join_team")).toEqual([
      { url: "postgres://alice:pw@db.example.com/hookdesk", key: KEY },
    ]);
    expect(badge()).toHaveTextContent(`Team: ${TEAM}`);
    expect(section).toHaveTextContent(/delivers the team's queue/);
    expect(section).toHaveTextContent(/The Events API and the settings below stay this computer's/);
    expect(within(section).queryByLabelText("Team key")).not.toBeInTheDocument();
    const leave = within(section).getByRole("button", { name: "Use this computer's database" });
    expect(leave).toHaveFocus();

    await user.click(screen.getByRole("button", { name: "Webhooks" }));
    expect(await screen.findByText("Team orders")).toBeVisible();
  });

  it("shows a field error under its input and changes nothing; other errors above the form", async () => {
    backend.joinTeamError = {
      kind: "invalid",
      message: "The URL must start with postgres://.",
      fields: [{ field: "url", message: "The URL must start with postgres://." }],
    };
    const { user, section } = await openSettings();
    const url = within(section).getByLabelText("Database URL");
    await user.type(url, "mysql://db.example.com/hookdesk");
    await user.type(within(section).getByLabelText("Team key"), KEY);
    await user.click(within(section).getByRole("button", { name: "Join team database" }));

    await waitFor(() =>
      expect(url).toHaveAccessibleDescription(/The URL must start with postgres:\/\//),
    );
    expect(url).toHaveAttribute("aria-invalid", "true");
    expect(url).toHaveFocus();
    expect(within(section).queryByRole("alert")).not.toBeInTheDocument();
    expect(section).toHaveTextContent("This computer's database");
    expect(badge()).not.toBeInTheDocument();
    expect(url).toHaveValue("mysql://db.example.com/hookdesk");
    expect(within(section).getByLabelText("Team key")).toHaveValue(KEY);

    // Corrected, the error goes; a server that does not answer is said above the form.
    await user.clear(url);
    await user.type(url, "postgres://alice@db.example.com/hookdesk");
    expect(url).not.toHaveAccessibleDescription(/must start with/);
    backend.joinTeamError = {
      kind: "unavailable",
      message: "The team database at db.example.com:5432 did not answer within 15 s.",
      fields: [],
    };
    await user.click(within(section).getByRole("button", { name: "Join team database" }));
    expect(await within(section).findByRole("alert")).toHaveTextContent(
      "The team database at db.example.com:5432 did not answer within 15 s.",
    );
    expect(section).toHaveTextContent("This computer's database");
    expect(badge()).not.toBeInTheDocument();
  });

  it("generates a new key, shows it in clear and copies it", async () => {
    const { user, section } = await openSettings();
    const key = within(section).getByLabelText("Team key");
    expect(key).toHaveAccessibleDescription(
      /Every worker and desktop of the team needs this same key, e\.g\. as HOOKDESK_SECRET_KEY for hookdesk serve/,
    );
    await user.click(within(section).getByRole("button", { name: "Generate a new key" }));
    await waitFor(() => expect(key).toHaveValue(backend.newTeamKey));
    expect(key).toHaveAttribute("type", "text");
    expect(key).toHaveAccessibleDescription(/copy it now/);

    await user.click(within(section).getByRole("button", { name: "Copy key" }));
    await waitFor(() => expect(backend.clipboard).toBe(backend.newTeamKey));
  });

  it("goes back to this computer's database in one click, the team kept saved", async () => {
    backend.team = {
      connected: TEAM,
      worker_id: "desktop-ana-4f2a",
      saved: TEAM,
      error: null,
    };
    const { user, section } = await openSettings();
    expect(badge()).toHaveTextContent(`Team: ${TEAM}`);
    expect(section).toHaveTextContent(`Team database ${TEAM} as worker desktop-ana-4f2a`);

    await user.click(within(section).getByRole("button", { name: "Use this computer's database" }));
    await waitFor(() => expect(section).toHaveTextContent("This computer's database"));
    expect(backend.callsOf("leave_team")).toHaveLength(1);
    expect(badge()).not.toBeInTheDocument();
    expect(within(section).getByLabelText("Database URL")).toHaveFocus();
    expect(within(section).getByRole("button", { name: `Rejoin ${TEAM}` })).toBeVisible();
  });

  it("rejoins the saved team database in one click, after it could not be joined at start", async () => {
    backend.team = {
      connected: null,
      worker_id: null,
      saved: TEAM,
      error: `The team database ${TEAM} could not be joined, so this computer's database is shown: The team database did not answer within 15 s.`,
    };
    const { user, section } = await openSettings();
    expect(within(section).getByRole("alert")).toHaveTextContent(
      `The team database ${TEAM} could not be joined, so this computer's database is shown: The team database did not answer within 15 s.`,
    );
    expect(section).toHaveTextContent("This computer's database");
    expect(badge()).not.toBeInTheDocument();

    await user.click(within(section).getByRole("button", { name: `Rejoin ${TEAM}` }));
    await waitFor(() => expect(badge()).toHaveTextContent(`Team: ${TEAM}`));
    expect(backend.callsOf("rejoin_team")).toHaveLength(1);
    expect(backend.callsOf("join_team")).toEqual([]);
    expect(section).toHaveTextContent(`Team database ${TEAM} as worker desktop-ana-4f2a`);
    expect(within(section).queryByRole("alert")).not.toBeInTheDocument();
  });

  it("reads which database the window works on again when notices were missed", async () => {
    const { section } = await openSettings();
    expect(badge()).not.toBeInTheDocument();
    backend.team = {
      connected: TEAM,
      worker_id: "desktop-ana-4f2a",
      saved: TEAM,
      error: null,
    };
    await sendNotice({ kind: "missed" });
    await waitFor(() => expect(badge()).toHaveTextContent(`Team: ${TEAM}`));
    expect(section).toHaveTextContent(`Team database ${TEAM} as worker desktop-ana-4f2a`);
  });
});
