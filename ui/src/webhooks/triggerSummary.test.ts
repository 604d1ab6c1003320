import { describe, expect, it } from "vitest";
import { BUILTIN_CATALOG } from "../test/fakeBackend";
import { summarizeTriggers } from "./triggerSummary";

describe("summarizeTriggers", () => {
  it("lists up to two triggers by their human labels", () => {
    expect(summarizeTriggers(["task.created"], BUILTIN_CATALOG).text).toBe("Task created");
    expect(summarizeTriggers(["task.created", "user.logout"], BUILTIN_CATALOG).text).toBe(
      "Task created, User logout",
    );
  });

  it("collapses more than two to the first and a count, keeping all for the tooltip", () => {
    const summary = summarizeTriggers(
      ["task.created", "task.updated", "task.deleted", "survey.created"],
      BUILTIN_CATALOG,
    );
    expect(summary.text).toBe("Task created +3");
    expect(summary.full).toBe("Task created, Task updated, Task deleted, Survey created");
  });

  it("shows the name of a type the catalog does not know", () => {
    expect(summarizeTriggers(["invoice.paid"], BUILTIN_CATALOG).text).toBe("invoice.paid");
  });
});
