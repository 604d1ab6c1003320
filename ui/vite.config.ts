import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The app runs inside WebKitGTK 2.4x (Linux), WKWebView and WebView2; es2021/safari15 is what
// the oldest of those understands without polyfills.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
    host: "localhost",
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: ["es2021", "safari15"],
    sourcemap: false,
  },
});
