import "@testing-library/jest-dom/vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { cleanup, configure } from "@testing-library/react";
import { afterEach, beforeEach } from "vitest";
import { resetBackend } from "./fakeBackend";

// findBy… and waitFor poll until this deadline (1 s by default): on a loaded 2-core machine
// the first render of the app alone has taken longer.
configure({ asyncUtilTimeout: 5_000 });

// Only the IPC seam is mocked: every test gets a fresh in-memory backend behind Tauri's mock.
beforeEach(() => {
  // What the panel remembers (its width) must not leak from one test into the next.
  localStorage.clear();
  const backend = resetBackend();
  mockIPC((cmd, args) => backend.handle(cmd, args), { shouldMockEvents: true });
});

afterEach(() => {
  cleanup();
  clearMocks();
});
