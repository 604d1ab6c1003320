import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Stats } from "../bindings/Stats";
import { backend, emptyStats, makeAttempt, makeWebhook, summaryOf } from "../test/fakeBackend";
import { sendNotice } from "../test/notices";
import { renderApp } from "../test/renderApp";
import { rateText } from "./HealthView";

/** A window's figures with attempts in its last step. */
function statsWith(
  window: Stats["window"],
  figures: Partial<Stats>,
  status?: Stats["status"],
): Stats {
  const stats = { ...emptyStats(window, status), ...figures };
  const last = stats.series.length - 1;
  stats.series[last] = {
    ...stats.series[last]!,
    succeeded: stats.succeeded,
    failed: stats.failed,
    p95_ms: stats.p95_ms,
  };
  return stats;
}

const figure = (region: HTMLElement, name: string) =>
  within(region).getByText(name, { selector: "dt" }).nextElementSibling?.textContent;

async function openHealthTab(name: string) {
  const app = await renderApp();
  await app.user.click(screen.getByRole("button", { name: `Edit ${name}` }));
  const drawer = await screen.findByRole("dialog", { name });
  await app.user.click(within(drawer).getByRole("tab", { name: "Health" }));
  const health = await within(drawer).findByRole("region", { name: "Health" });
  return { ...app, drawer, health };
}

describe("Health", () => {
  it("shows a webhook's figures for the chosen period, and its busy steps as a table", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Orders", status: "paused" }));
    backend.stats.set(
      `${hook!.id}:24h`,
      statsWith(
        "24h",
        {
          attempts: 40,
          succeeded: 30,
          failed: 10,
          success_rate: 0.75,
          p50_ms: 42,
          p95_ms: 1800,
          waiting: 7,
        },
        "paused",
      ),
    );
    backend.stats.set(
      `${hook!.id}:7d`,
      statsWith(
        "7d",
        { attempts: 400, succeeded: 399, failed: 1, success_rate: 0.9975, p50_ms: 40, p95_ms: 90 },
        "paused",
      ),
    );
    const { user, health } = await openHealthTab("Orders");

    await waitFor(() => expect(figure(health, "Attempts")).toBe("40"));
    expect(figure(health, "Success rate")).toBe("75.0 %");
    expect(figure(health, "Failed")).toBe("10");
    expect(figure(health, "p50 latency")).toBe("42 ms");
    expect(figure(health, "p95 latency")).toBe("1.8 s");
    expect(figure(health, "Waiting")).toBe("7");
    expect(figure(health, "Status")).toBe("Paused");
    expect(
      within(health).getByRole("img", { name: "Attempts by result over the last 24 hours" }),
    ).toBeVisible();
    const table = within(health).getByRole("table", { name: "Health over the last 24 hours" });
    expect(within(table).getAllByRole("row")).toHaveLength(2); // the header and the one busy step
    expect(
      within(table)
        .getAllByRole("cell")
        .map((c) => c.textContent)
        .slice(1),
    ).toEqual(["30", "10", "1.8 s"]);

    await user.click(within(health).getByRole("radio", { name: "7 days" }));
    await waitFor(() => expect(figure(health, "Attempts")).toBe("400"));
    // One failure in 400 is not rounded away.
    expect(figure(health, "Success rate")).toBe("99.7 %");
    expect(within(health).getByRole("radio", { name: "7 days" })).toHaveAttribute(
      "aria-checked",
      "true",
    );
    expect(backend.callsOf("webhook_stats").map((c) => c.window)).toEqual(["24h", "7d"]);
  });

  it("reads the figures again as attempts are recorded", async () => {
    const [hook] = backend.seed(makeWebhook({ name: "Orders" }));
    const { health } = await openHealthTab("Orders");
    await within(health).findByText("Nothing was attempted in the last 24 hours.");
    backend.stats.set(
      `${hook!.id}:24h`,
      statsWith("24h", { attempts: 1, succeeded: 1, success_rate: 1, p50_ms: 12, p95_ms: 12 }),
    );
    await sendNotice({
      kind: "attempt_recorded",
      attempt: summaryOf(makeAttempt({ webhook_id: hook!.id })),
    });
    await waitFor(() => expect(figure(health, "Attempts")).toBe("1"));
    expect(figure(health, "Success rate")).toBe("100 %");
  });

  it("has a page for all deliveries together", async () => {
    backend.stats.set(
      "*:24h",
      statsWith("24h", {
        attempts: 5,
        succeeded: 4,
        failed: 1,
        success_rate: 0.8,
        p50_ms: 9,
        p95_ms: 300,
        waiting: 2,
      }),
    );
    const { user } = await renderApp();
    await user.click(screen.getByRole("button", { name: "Health" }));
    const page = await screen.findByRole("heading", { name: "Health", level: 1 });
    const health = within(page.closest(".page") as HTMLElement).getByRole("region", {
      name: "Health",
    });
    await waitFor(() => expect(figure(health, "Attempts")).toBe("5"));
    expect(within(health).queryByText("Status", { selector: "dt" })).toBeNull();
    expect(backend.callsOf("stats")).toEqual([{ window: "24h" }]);
  });

  it("draws each webhook's last 24 hours in the list", async () => {
    const [orders, quiet] = backend.seed(
      makeWebhook({ name: "Orders" }),
      makeWebhook({ name: "Quiet" }),
    );
    const hours = (n: number) => Array.from({ length: 24 }, (_, i) => (i === 23 ? n : 0));
    backend.healthBars = { [orders!.id]: { succeeded: hours(9), failed: hours(3) } };
    await renderApp();
    const row = (code: string) =>
      screen.getAllByTestId("webhook-row").find((r) => r.dataset.code === code)!;
    expect(
      await within(row(orders!.code)).findByRole("img", {
        name: "Last 24 hours: 12 attempts, 3 failed (75.0 % succeeded)",
      }),
    ).toBeVisible();
    expect(within(row(quiet!.code)).getByText("No attempts")).toBeVisible();
  });
});

describe("rateText", () => {
  it("never rounds a failure up to 100 %", () => {
    expect(rateText(0.99996)).toBe("99.9 %");
    expect(rateText(1)).toBe("100 %");
    expect(rateText(0)).toBe("0.0 %");
    expect(rateText(null)).toBe("—");
  });
});
