-- The audit log: one row per MCP tool call, whatever its outcome.
-- AUTOINCREMENT keeps ids strictly increasing and never reused after retention deletes, which is
-- what lets the row cap be enforced with one indexed range delete (`id <= newest - MAX`).
CREATE TABLE tool_call (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms           INTEGER NOT NULL,
    token_name      TEXT,
    client_name     TEXT,
    client_version  TEXT,
    transport       TEXT    NOT NULL,
    tool            TEXT    NOT NULL,
    workspace_id    INTEGER,
    arguments       TEXT    NOT NULL,   -- JSON, already summarised (row values and secrets masked)
    outcome         TEXT    NOT NULL,   -- ok | denied | failed | previewed
    error_code      TEXT,
    error_message   TEXT,
    duration_ms     INTEGER NOT NULL,
    xano_requests   TEXT    NOT NULL,   -- JSON array of {method, path, status, duration_ms}
    rows_affected   INTEGER
);

-- Newest-first listing, time windows, and the time-based retention delete.
CREATE INDEX tool_call_at ON tool_call (at_ms);
-- The two filters a person uses most on the calls page.
CREATE INDEX tool_call_tool_at ON tool_call (tool, at_ms);
CREATE INDEX tool_call_token_at ON tool_call (token_name, at_ms);
