// One typed function per Tauri command, generated from the Rust declarations
// (src-tauri/src/app/commands, `commands!`) by `cargo test`: see src/bindings/commands.ts.
export * from "../bindings/commands";
