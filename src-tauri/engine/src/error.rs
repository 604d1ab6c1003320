//! Errors are values with a kind and a message a user can act on.

use serde::Serialize;
use ts_rs::TS;

/// A problem with one field of a form or request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct FieldError {
    /// The field's name as the API spells it (`name`, `url`, `headers[1].name`, `delivery.attempts`).
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// What went wrong, in a form the UI, the API and the CLI can all show.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// Input that breaks a rule; each problem names its field.
    #[error("{}", summarize(.0))]
    Invalid(Vec<FieldError>),
    /// A value another record already holds (a webhook's code): a conflict, named by its
    /// field. The panel shows it under the field like a broken rule; the API answers 409.
    #[error("{}", summarize(.0))]
    Taken(Vec<FieldError>),
    #[error("{0}")]
    NotFound(String),
    /// The request clashes with what is stored (a code in use, an immutable field).
    #[error("{0}")]
    Conflict(String),
    /// The OS keyring refused the operation, or lacks an entry.
    #[error("{0}")]
    Keyring(String),
    /// No OS keyring can be reached at all (not running, locked, no session bus).
    #[error("{0}")]
    KeyringUnreachable(String),
    #[error("{0}")]
    Database(String),
    /// SQLite found the file damaged; [`crate::store::file::wrap`] names the file.
    #[error("The database is damaged ({0}); restore it from a backup.")]
    Damaged(String),
    /// No space left for a write; nothing was changed.
    #[error("{0}")]
    DiskFull(String),
    #[error("{0}")]
    Io(String),
    /// Another Hookdesk already owns the data directory.
    #[error("{0}")]
    AlreadyRunning(String),
    /// The engine is shutting down or a worker is gone.
    #[error("{0}")]
    Unavailable(String),
}

fn summarize(fields: &[FieldError]) -> String {
    match fields {
        [] => "The input is not valid.".to_string(),
        [one] => one.message.clone(),
        [first, rest @ ..] => format!("{} (and {} more problem{})", first.message, rest.len(), if rest.len() == 1 { "" } else { "s" }),
    }
}

impl Error {
    /// Blocking work (a keyring call, a database read) whose thread was lost.
    pub(crate) fn interrupted(e: tokio::task::JoinError) -> Self {
        Error::Unavailable(format!("Background work was interrupted: {e}"))
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid(vec![FieldError::new(field, message)])
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Invalid(_) | Error::Taken(_) => ErrorKind::Invalid,
            Error::NotFound(_) => ErrorKind::NotFound,
            Error::Conflict(_) => ErrorKind::Conflict,
            Error::Keyring(_) | Error::KeyringUnreachable(_) => ErrorKind::Keyring,
            Error::Database(_) | Error::Damaged(_) => ErrorKind::Database,
            Error::DiskFull(_) => ErrorKind::DiskFull,
            Error::Io(_) => ErrorKind::Io,
            Error::AlreadyRunning(_) => ErrorKind::AlreadyRunning,
            Error::Unavailable(_) => ErrorKind::Unavailable,
        }
    }

    pub fn fields(&self) -> &[FieldError] {
        match self {
            Error::Invalid(fields) | Error::Taken(fields) => fields,
            _ => &[],
        }
    }

    /// The serialisable form handed to the UI and the API.
    pub fn view(&self) -> ErrorView {
        ErrorView { kind: self.kind(), message: self.to_string(), fields: self.fields().to_vec() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorKind {
    Invalid,
    NotFound,
    Conflict,
    Keyring,
    Database,
    DiskFull,
    Io,
    AlreadyRunning,
    Unavailable,
}

/// `{kind, message, fields}`: how every failure crosses into the UI.
#[derive(Debug, Clone, Serialize, TS, utoipa::ToSchema)]
#[ts(export)]
pub struct ErrorView {
    pub kind: ErrorKind,
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e.to_string())
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Database(format!("Stored data could not be read: {e}"))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
