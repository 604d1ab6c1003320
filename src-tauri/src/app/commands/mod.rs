//! The window's commands, each declared once, in a `commands!` block of its room: the Tauri
//! command, its place in the invoke handler, its permission (`build.rs` reads the names from
//! these blocks) and its function in the generated TypeScript client
//! (`ui/src/bindings/commands.ts`, written by `cargo test`) all come from that declaration.
//!
//! A command reads `pub async fn name(injected; args) -> CmdResult<T> { … }`: before the `;`
//! what Tauri injects (`State`, `AppHandle`), after it what the window sends. Each parses its
//! arguments, calls one engine function and maps the error to `{kind, message, fields}`.

use hookdesk_engine::{Error, ErrorView};

pub type CmdResult<T> = Result<T, ErrorView>;

pub fn view(e: Error) -> ErrorView {
    e.view()
}

/// Declares a room's commands: the `#[tauri::command]` functions, and beside them
/// `handler()` (Tauri's invoke handler for these), `NAMES` and `specs()` (their TypeScript
/// signatures).
macro_rules! commands {
    ($(
        $(#[doc = $doc:literal])*
        pub async fn $name:ident($($inj:ident: $inj_ty:ty),* ; $($arg:ident: $arg_ty:ty),* $(,)?) -> CmdResult<$ret:ty> $body:block
    )*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command]
            pub async fn $name($($inj: $inj_ty,)* $($arg: $arg_ty),*) -> $crate::app::commands::CmdResult<$ret> $body
        )*

        /// Tauri's invoke handler for this room's commands.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// This room's command names.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];

        /// Each command's TypeScript signature.
        #[cfg(test)]
        pub fn specs() -> Vec<$crate::app::commands::client::Spec> {
            use $crate::app::commands::client::{Spec, ts};
            vec![$(Spec {
                name: stringify!($name),
                doc: vec![$($doc),*],
                args: vec![$((stringify!($arg), ts::<$arg_ty>())),*],
                returns: ts::<$ret>(),
            }),*]
        }
    };
}

mod app;
#[cfg(test)]
mod client;
mod logs;
mod settings;
mod webhooks;

/// The rooms, in the order the generated client lists them.
const ROOMS: [&[&str]; 4] = [app::NAMES, webhooks::NAMES, logs::NAMES, settings::NAMES];

/// Every command the window may call: each invocation goes to the room that declares it.
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    let rooms = (app::handler(), webhooks::handler(), logs::handler(), settings::handler());
    move |invoke| {
        let command = invoke.message.command();
        let room = ROOMS.iter().position(|names| names.contains(&command));
        match room {
            Some(0) => (rooms.0)(invoke),
            Some(1) => (rooms.1)(invoke),
            Some(2) => (rooms.2)(invoke),
            // An unknown command: Tauri's own handler refuses it.
            _ => (rooms.3)(invoke),
        }
    }
}

/// Every command's name, in client order.
#[cfg(test)]
pub fn names() -> impl Iterator<Item = &'static str> {
    ROOMS.into_iter().flatten().copied()
}
