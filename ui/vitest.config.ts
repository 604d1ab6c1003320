import { defineConfig, mergeConfig } from "vitest/config";
import viteConfig from "./vite.config.ts";

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      environment: "jsdom",
      setupFiles: ["./src/test/setup.ts"],
      include: ["src/**/*.test.{ts,tsx}"],
      // Two cores shared with Rust builds: a couple of workers is plenty.
      maxWorkers: 2,
      restoreMocks: true,
      // A test that types a URL takes 0.8 s here when the machine is idle and took 8.8 s in a
      // CI run where imports and jsdom set-up ran 2.5 times slower than usual: the default
      // 5 s budget measured the machine's load, not the panel.
      testTimeout: 20_000,
    },
  }),
);
