import "@testing-library/jest-dom/vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { cleanup } from "@testing-library/react";
import { afterEach, beforeEach } from "vitest";
import { resetBackend } from "./fakeBackend";

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
