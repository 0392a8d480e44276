//! The request log tests read through [`crate::XanoSim::requests`].
//!
//! Invariants: entries are kept in arrival order; an entry is added when a request arrives and
//! completed (status, fault) before its response leaves, so a client that has its answer sees
//! the finished entry; `authorization`, `proxy-authorization` and `cookie` headers are never
//! stored. The log is bounded, oldest entries dropped first, by count ([`RECORD_LIMIT`] by
//! default, see [`crate::XanoSim::set_record_limit`]) and by the raw size of the recorded bodies
//! ([`RECORD_BODY_BYTES`]), so a long-running demo or a bulk-insert benchmark does not grow
//! without end. The newest entry is always kept.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

use serde_json::Value;

/// At most this many requests are kept by default.
pub const RECORD_LIMIT: usize = 20_000;

/// At most this many bytes of raw request bodies are kept (the parsed JSON takes a few times
/// more memory).
pub const RECORD_BODY_BYTES: usize = 32 * 1024 * 1024;

/// Headers that carry credentials and are never recorded.
const SECRET_HEADERS: [&str; 3] = ["authorization", "proxy-authorization", "cookie"];

/// One request as the sim received it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Percent-decoded path, e.g. `/api:meta/workspace/1/table` (also for requests that used the
    /// `/api%3Ameta` prefix).
    pub path: String,
    /// Decoded query pairs in order.
    pub query: Vec<(String, String)>,
    /// `None` for an empty body, the JSON value when it parses, else the raw text as a string.
    pub body: Option<Value>,
    /// Lowercased header names; never `authorization`, `proxy-authorization` or `cookie`.
    pub headers: BTreeMap<String, String>,
    /// Status of the answer (0 while the request is still being answered).
    pub status: u16,
    /// Set when an injected fault answered the request (`rate_limited`, `server_error:500`,
    /// `bad_gateway`, `not_json`).
    pub fault: Option<String>,
}

impl RecordedRequest {
    /// Whether a header name may be recorded.
    pub(crate) fn keeps_header(lowercase_name: &str) -> bool {
        !SECRET_HEADERS.contains(&lowercase_name)
    }
}

#[derive(Debug)]
struct Log {
    next_seq: u64,
    /// `(sequence number, raw body size, entry)`, oldest first.
    entries: VecDeque<(u64, usize, RecordedRequest)>,
    body_bytes: usize,
    max_entries: usize,
}

impl Default for Log {
    fn default() -> Self {
        Self {
            next_seq: 0,
            entries: VecDeque::new(),
            body_bytes: 0,
            max_entries: RECORD_LIMIT,
        }
    }
}

impl Log {
    fn trim(&mut self) {
        while self.entries.len() > self.max_entries
            || (self.body_bytes > RECORD_BODY_BYTES && self.entries.len() > 1)
        {
            match self.entries.pop_front() {
                Some((_, size, _)) => self.body_bytes -= size,
                None => break,
            }
        }
    }
}

/// The shared request log.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    log: Mutex<Log>,
}

impl Recorder {
    /// Adds an arriving request whose raw body had `body_bytes` bytes; returns its sequence
    /// number for [`Recorder::finish`].
    pub(crate) fn begin(&self, request: RecordedRequest, body_bytes: usize) -> u64 {
        let mut log = self.lock();
        let seq = log.next_seq;
        log.next_seq += 1;
        if log.max_entries > 0 {
            log.entries.push_back((seq, body_bytes, request));
            log.body_bytes += body_bytes;
            log.trim();
        }
        seq
    }

    /// Keeps at most `max_entries` requests from now on (0 stops recording).
    pub(crate) fn set_limit(&self, max_entries: usize) {
        let mut log = self.lock();
        log.max_entries = max_entries;
        log.trim();
    }

    /// Completes an entry (a no-op when it was cleared or dropped meanwhile).
    pub(crate) fn finish(&self, seq: u64, status: u16, fault: Option<String>) {
        let mut log = self.lock();
        if let Ok(pos) = log.entries.binary_search_by_key(&seq, |(s, _, _)| *s)
            && let Some((_, _, entry)) = log.entries.get_mut(pos)
        {
            entry.status = status;
            entry.fault = fault;
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        self.lock()
            .entries
            .iter()
            .map(|(_, _, r)| r.clone())
            .collect()
    }

    pub(crate) fn clear(&self) {
        let mut log = self.lock();
        log.entries.clear();
        log.body_bytes = 0;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Log> {
        // A panic while holding the lock cannot leave the log inconsistent; keep serving.
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(n: usize) -> RecordedRequest {
        RecordedRequest {
            method: "GET".into(),
            path: format!("/{n}"),
            query: vec![],
            body: None,
            headers: BTreeMap::new(),
            status: 0,
            fault: None,
        }
    }

    #[test]
    fn bounded_by_count_and_body_size() {
        let recorder = Recorder::default();
        recorder.set_limit(3);
        for n in 0..5 {
            let seq = recorder.begin(request(n), 10);
            recorder.finish(seq, 200, None);
        }
        let paths: Vec<String> = recorder.snapshot().into_iter().map(|r| r.path).collect();
        assert_eq!(paths, ["/2", "/3", "/4"]);

        recorder.set_limit(100);
        recorder.begin(request(5), RECORD_BODY_BYTES);
        let paths: Vec<String> = recorder.snapshot().into_iter().map(|r| r.path).collect();
        assert_eq!(
            paths,
            ["/5"],
            "a huge body pushes out older entries but stays itself"
        );
        recorder.set_limit(0);
        recorder.begin(request(6), 1);
        assert!(recorder.snapshot().is_empty());
    }
}
