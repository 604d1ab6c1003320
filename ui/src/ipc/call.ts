// The one way a command is invoked: typed by the generated `Commands` interface, with
// Tauri's rejection turned into the engine's `ErrorView`.
import { invoke } from "@tauri-apps/api/core";
import type { Commands } from "../bindings/commands";
import { toErrorView } from "./errors";

export async function call<K extends keyof Commands>(
  command: K,
  args: Commands[K]["args"],
): Promise<Commands[K]["returns"]> {
  try {
    return await invoke<Commands[K]["returns"]>(command, args);
  } catch (reason) {
    throw toErrorView(reason);
  }
}
