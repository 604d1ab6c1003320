//! Exporting the logs: the attempts a Logs view shows, newest first, as NDJSON (one attempt
//! a line, the logs API's shape), CSV (the list's columns with the payload and response) or
//! HAR 1.2 (requests and responses, for browser and proxy tools). Read a page at a time and
//! handed on as each page is formatted, so an export of a million attempts holds one page.
//! Secret values are masked as in the detail view: the logs never stored them.

use crate::error::{Error, Result};
use crate::model::attempt::Attempt;
use crate::model::log_filter::{LogFilter, LogScope};
use crate::{Engine, store};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use ts_rs::TS;

/// Attempts read at a time.
pub const PAGE: u32 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportFormat {
    #[default]
    Ndjson,
    Csv,
    Har,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Ndjson => "ndjson",
            ExportFormat::Csv => "csv",
            ExportFormat::Har => "har",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Ndjson => "application/x-ndjson",
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Har => "application/json",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Ndjson => "NDJSON",
            ExportFormat::Csv => "CSV",
            ExportFormat::Har => "HAR",
        }
    }
}

/// A finished export: where it was written and how many attempts it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Exported {
    pub path: String,
    #[ts(type = "number")]
    pub attempts: u64,
}

/// The file name an export suggests: `hookdesk-logs-orders-20261204-1930.csv`.
pub fn suggested_file_name(what: &str, format: ExportFormat, now_ms: i64) -> String {
    let stamp = crate::model::time::format_ms(now_ms);
    // 2026-12-04T19:30:12.345Z → 20261204-1930
    let digits: String = stamp.chars().filter(char::is_ascii_digit).collect();
    let stamp = format!("{}-{}", &digits[..8.min(digits.len())], digits.get(8..12).unwrap_or(""));
    format!("hookdesk-logs-{what}-{stamp}.{}", format.extension())
}

/// The CSV columns, in order.
pub const CSV_COLUMNS: [&str; 18] = [
    "id",
    "executed_at",
    "webhook_code",
    "event_id",
    "event_type",
    "kind",
    "test",
    "attempt",
    "attempts",
    "result",
    "status_code",
    "error",
    "duration_ms",
    "url",
    "delivery_state",
    "payload_summary",
    "payload",
    "response_body",
];

/// Turns attempts into the bytes of one format: a beginning, each attempt, an end.
pub struct Formatter {
    format: ExportFormat,
    written: u64,
}

impl Formatter {
    pub fn new(format: ExportFormat) -> Self {
        Self { format, written: 0 }
    }

    /// How many attempts were formatted.
    pub fn written(&self) -> u64 {
        self.written
    }

    pub fn begin(&self, out: &mut Vec<u8>) {
        match self.format {
            ExportFormat::Ndjson => {}
            ExportFormat::Csv => csv_record(out, CSV_COLUMNS.iter().copied()),
            ExportFormat::Har => {
                let creator = json!({ "name": "Hookdesk", "version": env!("CARGO_PKG_VERSION") });
                out.extend_from_slice(format!(r#"{{"log":{{"version":"1.2","creator":{creator},"entries":["#).as_bytes());
            }
        }
    }

    pub fn attempt(&mut self, a: &Attempt, out: &mut Vec<u8>) {
        match self.format {
            ExportFormat::Ndjson => {
                // An attempt is strings, numbers and maps of strings: it always serialises.
                let _ = serde_json::to_writer(&mut *out, a);
                out.push(b'\n');
            }
            ExportFormat::Csv => {
                let s = &a.summary;
                let number = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
                let text = [
                    s.id.to_string(),
                    s.executed_at.clone(),
                    s.webhook_code.clone().unwrap_or_default(),
                    s.event_id.clone(),
                    s.event_type.clone(),
                    s.kind.as_str().to_string(),
                    s.test.to_string(),
                    s.attempt.to_string(),
                    s.attempts.to_string(),
                    enum_text(&s.result),
                    number(s.status_code.map(u64::from)),
                    s.error.clone().unwrap_or_default(),
                    s.duration_ms.to_string(),
                    s.url.clone(),
                    enum_text(&s.delivery_state),
                    s.payload_summary.clone(),
                    a.request.body.clone(),
                    a.response.as_ref().map(|r| r.body.clone()).unwrap_or_default(),
                ];
                csv_record(out, text.iter().map(|t| defused(t)));
            }
            ExportFormat::Har => {
                if self.written > 0 {
                    out.push(b',');
                }
                let _ = serde_json::to_writer(&mut *out, &har_entry(a));
            }
        }
        self.written += 1;
    }

    pub fn end(&self, out: &mut Vec<u8>) {
        if self.format == ExportFormat::Har {
            out.extend_from_slice(b"]}}");
        }
    }
}

/// A unit enum's serde name (`success`, `failed`, …).
fn enum_text<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or a carriage
/// return first) is written with a leading `'`, as OWASP advises for CSV exports: payloads
/// and responses come from other systems.
fn defused(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') if cell.parse::<f64>().is_err() => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

fn csv_record(out: &mut Vec<u8>, cells: impl Iterator<Item = impl AsRef<str>>) {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut *out);
    // Writing to memory cannot fail.
    let _ = w.write_record(cells.map(|c| c.as_ref().to_string()));
    let _ = w.flush();
}

fn har_headers(headers: &std::collections::BTreeMap<String, String>) -> Value {
    Value::Array(headers.iter().map(|(name, value)| json!({ "name": name, "value": value })).collect())
}

/// One HAR 1.2 entry. An attempt without a response (a refused connection, a timeout) has
/// status 0, as browsers write a failed request, and its error in `_error`.
fn har_entry(a: &Attempt) -> Value {
    let s = &a.summary;
    let query: Vec<Value> = url::Url::parse(&a.request.url)
        .map(|u| u.query_pairs().map(|(name, value)| json!({ "name": name, "value": value })).collect())
        .unwrap_or_default();
    let content_type = a.request.headers.get("content-type").cloned().unwrap_or_else(|| "application/json".into());
    let response = match &a.response {
        Some(r) => {
            let mime = r.headers.get("content-type").cloned().unwrap_or_default();
            json!({
                "status": s.status_code.unwrap_or(0),
                "statusText": s.status_code.and_then(|c| axum::http::StatusCode::from_u16(c).ok()).and_then(|c| c.canonical_reason()).unwrap_or(""),
                "httpVersion": "HTTP/1.1",
                "cookies": [],
                "headers": har_headers(&r.headers),
                "content": { "size": r.body.len(), "mimeType": mime, "text": r.body },
                "redirectURL": r.headers.get("location").cloned().unwrap_or_default(),
                "headersSize": -1,
                "bodySize": r.body.len(),
                "_truncated": r.truncated,
            })
        }
        None => json!({
            "status": 0,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [],
            "content": { "size": 0, "mimeType": "" },
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
            "_error": s.error,
        }),
    };
    json!({
        "startedDateTime": s.executed_at,
        "time": s.duration_ms,
        "request": {
            "method": a.request.method,
            "url": a.request.url,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": har_headers(&a.request.headers),
            "queryString": query,
            "postData": { "mimeType": content_type, "text": a.request.body },
            "headersSize": -1,
            "bodySize": a.request.body.len(),
        },
        "response": response,
        "cache": {},
        "timings": { "send": 0, "wait": s.duration_ms, "receive": 0 },
        "_hookdesk": {
            "attempt_id": s.id,
            "delivery_id": s.delivery_id,
            "event_id": s.event_id,
            "event_type": s.event_type,
            "webhook_code": s.webhook_code,
            "attempt": s.attempt,
            "attempts": s.attempts,
            "result": s.result,
            "error": s.error,
            "test": s.test,
        },
    })
}

/// Where an export reads its pages.
enum Source {
    Local(Engine),
    /// A team database (only a view's attempts, not picked rows).
    Team(Box<crate::store::pg::PgStore>),
}

/// An export under way: [`LogExport::next_chunk`] reads and formats the next page.
pub struct LogExport {
    source: Source,
    scope: LogScope,
    filter: LogFilter,
    formatter: Formatter,
    /// The attempt the next page starts before; `None` at the start.
    before: Option<String>,
    /// These attempts instead of a view's (the rows picked in the list).
    only: Option<Vec<crate::model::AttemptId>>,
    begun: bool,
    done: bool,
}

impl LogExport {
    fn new(source: Source, scope: LogScope, filter: LogFilter, format: ExportFormat) -> Self {
        LogExport {
            source,
            scope,
            filter: LogFilter { before: None, ..filter },
            formatter: Formatter::new(format),
            before: None,
            only: None,
            begun: false,
            done: false,
        }
    }

    /// The attempts of a team database's Logs view, as [`Engine::export_logs`] gives a local one's.
    pub fn of_team(store: crate::store::pg::PgStore, scope: LogScope, filter: LogFilter, format: ExportFormat) -> Self {
        Self::new(Source::Team(Box::new(store)), scope, filter, format)
    }

    /// Only these attempts (**Export selected**).
    pub fn only(self, ids: Vec<crate::model::AttemptId>) -> Self {
        Self { only: Some(ids), ..self }
    }

    /// The next bytes of the export, or `None` once it is all out. Attempts recorded after
    /// the export began are not in it: the pages run back from the newest at the start.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>> {
        if self.done {
            return Ok(None);
        }
        let mut out = Vec::new();
        if !self.begun {
            self.formatter.begin(&mut out);
            self.begun = true;
        }
        let mut filter = self.filter.clone();
        filter.before = self.before.take();
        let scope = self.scope.clone();
        let only = self.only.take();
        let picked = only.is_some();
        let read = async {
            match &self.source {
                Source::Local(engine) => {
                    engine
                        .db()
                        .read(move |conn| match only {
                            // Newest first, as a view's are; one that is gone is left out.
                            Some(mut ids) => {
                                ids.sort_by_key(|id| std::cmp::Reverse(id.0));
                                ids.dedup();
                                ids.into_iter().filter_map(|id| store::logs::get(conn, id).transpose()).collect()
                            }
                            None => store::logs::list_full(conn, &scope, &filter, PAGE, 0),
                        })
                        .await
                }
                Source::Team(store) => match only {
                    Some(ids) => store.attempts_by_id(&ids.iter().map(|id| id.0).collect::<Vec<_>>()).await,
                    None => store.attempts_page(&scope, &filter, PAGE, 0).await.map(|(page, _)| page),
                },
            }
        };
        let page: Vec<Attempt> = match read.await {
            Ok(page) => page,
            Err(e) => {
                self.done = true;
                return Err(e);
            }
        };
        for a in &page {
            self.formatter.attempt(a, &mut out);
        }
        self.before = page.last().map(|a| a.summary.id.to_string());
        if picked || page.len() < PAGE as usize {
            self.formatter.end(&mut out);
            self.done = true;
        }
        Ok(Some(out))
    }

    /// How many attempts were formatted so far.
    pub fn written(&self) -> u64 {
        self.formatter.written()
    }
}

impl Engine {
    /// Exports the attempts of a Logs view (`scope` and `filter` as the list shows them),
    /// newest first, a page at a time.
    pub fn export_logs(&self, scope: LogScope, filter: LogFilter, format: ExportFormat) -> LogExport {
        LogExport::new(Source::Local(self.clone()), scope, filter, format)
    }

    /// Exports these attempts (the rows picked in a list), newest first.
    pub fn export_attempts(&self, ids: Vec<crate::model::AttemptId>, format: ExportFormat) -> LogExport {
        self.export_logs(LogScope::All, LogFilter::default(), format).only(ids)
    }

    /// [`Engine::export_logs`] into a file, written whole or not at all: to `path.part`
    /// first, renamed over `path` once complete. Returns how many attempts it holds.
    pub async fn export_logs_to_file(
        &self,
        scope: LogScope,
        filter: LogFilter,
        format: ExportFormat,
        path: &std::path::Path,
    ) -> Result<u64> {
        self.export_logs(scope, filter, format).write_to(path).await
    }
}

impl LogExport {
    /// Writes the export into a file, whole or not at all: to `path.part` first, renamed
    /// over `path` once complete, readable by its owner only. Returns how many attempts it holds.
    pub async fn write_to(mut self, path: &std::path::Path) -> Result<u64> {
        use tokio::io::AsyncWriteExt;
        let io = |e: std::io::Error| Error::Io(format!("Cannot write {}: {e}", path.display()));
        let part = crate::store::file::with_suffix(path, ".part");
        let export = &mut self;
        let written = async {
            let file = tokio::fs::File::create(&part).await.map_err(io)?;
            // Payloads and responses are the user's data: readable by its owner only.
            crate::store::file::make_private(&part);
            let mut file = tokio::io::BufWriter::new(file);
            while let Some(chunk) = export.next_chunk().await? {
                file.write_all(&chunk).await.map_err(io)?;
            }
            file.flush().await.map_err(io)?;
            file.into_inner().sync_all().await.map_err(io)?;
            tokio::fs::rename(&part, path).await.map_err(io)?;
            Ok(export.written())
        }
        .await;
        if written.is_err() {
            let _ = tokio::fs::remove_file(&part).await;
        }
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suggested_name_says_what_and_when() {
        let at = crate::model::time::parse_rfc3339_ms("2026-12-04T19:30:12Z").unwrap();
        assert_eq!(suggested_file_name("orders", ExportFormat::Har, at), "hookdesk-logs-orders-20261204-1930.har");
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_defused_and_numbers_are_not() {
        assert_eq!(defused("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defused("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defused("-12.5"), "-12.5");
        assert_eq!(defused("plain"), "plain");
        let mut out = Vec::new();
        csv_record(&mut out, ["a,b", "say \"hi\"", "two\nlines"].iter());
        assert_eq!(String::from_utf8(out).unwrap(), "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
    }
}
