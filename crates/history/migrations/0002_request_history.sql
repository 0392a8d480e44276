-- Synced Xano request history.
--
-- One sync scope per (workspace, branch label; '' = Xano's default). Items are stored once per
-- scope (UNIQUE scope_id, xano_id), so repeated and interrupted syncs never duplicate. URIs and
-- endpoints are stored once each and referenced by id: the main table stays narrow (fast scans for
-- charts) and a text search runs over distinct URIs, not over every row. Bodies live in their own
-- table and exist only when the user turned body storage on. Three rollups (per minute and class;
-- per hour, endpoint and class; latency histograms per hour and class) are kept in step with the
-- rows by the inserting code, so counts and long-range charts do not read a million rows.

CREATE TABLE sync_scope (
    id                 INTEGER PRIMARY KEY,
    workspace_id       INTEGER NOT NULL,
    branch             TEXT    NOT NULL,
    last_attempt_ms    INTEGER,           -- when the last sync started (local clock)
    last_success_ms    INTEGER,           -- when a sync last finished without error
    last_error         TEXT,              -- message of the last failed sync; NULL after a success
    last_error_code    TEXT,
    last_error_at_ms   INTEGER,
    UNIQUE (workspace_id, branch)
);

-- Windows of Xano time (half-open, [lo_ms, hi_ms)) for which the store holds every item Xano
-- had. `reaches_end` = nothing older than lo_ms was left in Xano when the window was recorded.
-- Non-overlapping per scope: inserts merge with the windows they touch.
CREATE TABLE sync_coverage (
    scope_id     INTEGER NOT NULL REFERENCES sync_scope (id) ON DELETE CASCADE,
    lo_ms        INTEGER NOT NULL,
    hi_ms        INTEGER NOT NULL,
    reaches_end  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scope_id, lo_ms)
) WITHOUT ROWID;

CREATE TABLE endpoint (
    id       INTEGER PRIMARY KEY,
    verb     TEXT NOT NULL,
    pattern  TEXT NOT NULL,   -- URI path with numeric ids as {id}, UUIDs as {uuid}
    UNIQUE (verb, pattern)
);

CREATE TABLE request_uri (
    id           INTEGER PRIMARY KEY,
    uri          TEXT    NOT NULL UNIQUE,   -- masked (secret query parameters, tokens)
    endpoint_id  INTEGER NOT NULL REFERENCES endpoint (id)
);

-- Substring search over the distinct URIs (trigram index; kept in step by triggers).
CREATE VIRTUAL TABLE request_uri_text USING fts5 (
    uri, content = 'request_uri', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER request_uri_text_insert AFTER INSERT ON request_uri BEGIN
    INSERT INTO request_uri_text (rowid, uri) VALUES (new.id, new.uri);
END;
CREATE TRIGGER request_uri_text_delete AFTER DELETE ON request_uri BEGIN
    INSERT INTO request_uri_text (request_uri_text, rowid, uri) VALUES ('delete', old.id, old.uri);
END;

CREATE TABLE request (
    row           INTEGER PRIMARY KEY,
    scope_id      INTEGER NOT NULL REFERENCES sync_scope (id) ON DELETE CASCADE,
    xano_id       INTEGER NOT NULL,           -- Xano's item id
    at_ms         INTEGER NOT NULL,           -- created_at, epoch ms
    duration_ms   REAL    NOT NULL,           -- Xano reports seconds; stored as ms
    status        INTEGER NOT NULL,
    status_class  INTEGER NOT NULL,           -- status / 100
    endpoint_id   INTEGER NOT NULL REFERENCES endpoint (id),
    uri_id        INTEGER NOT NULL REFERENCES request_uri (id),
    api_group_id  INTEGER,                    -- Xano's `api_id` (the API group)
    query_id      INTEGER,                    -- the endpoint id in Xano
    branch_id     INTEGER
);

-- Dedup, and "which items of this scope do we have".
CREATE UNIQUE INDEX request_item ON request (scope_id, xano_id);
-- Time windows, pages in time order (`row` breaks ties, so paging is stable and needs no sort),
-- retention; covering for the over-time charts and for filters on class and duration.
CREATE INDEX request_time ON request (scope_id, at_ms, row, status_class, duration_ms);
-- Status class chips and exact codes, each with time order for the first page.
CREATE INDEX request_class ON request (scope_id, status_class, at_ms);
CREATE INDEX request_status ON request (scope_id, status, at_ms);
-- Minimum duration and sort by duration.
CREATE INDEX request_duration ON request (scope_id, duration_ms);
-- Per-endpoint latency percentiles (durations come out sorted per endpoint; covering, with the
-- time and class the charts filter and count on); verb filters.
CREATE INDEX request_endpoint ON request (scope_id, endpoint_id, duration_ms, at_ms, status_class);
-- Endpoint text search (matching URIs first, then their rows), and finding URIs no row uses.
CREATE INDEX request_by_uri ON request (uri_id, scope_id, at_ms);
-- API group filter.
CREATE INDEX request_group ON request (scope_id, api_group_id, at_ms);

-- Requests per minute and status class, kept in step with `request` by the code that inserts
-- and deletes (retention deletes whole hours). Counts and the over-time chart for time and
-- class filters read this instead of a million rows.
CREATE TABLE request_minute (
    scope_id      INTEGER NOT NULL REFERENCES sync_scope (id) ON DELETE CASCADE,
    minute        INTEGER NOT NULL,   -- at_ms / 60000
    status_class  INTEGER NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (scope_id, minute, status_class)
) WITHOUT ROWID;

-- Requests per hour, endpoint and status class with their total and longest duration, kept in
-- step the same way (retention deletes whole hours). Per-endpoint counts, errors and means over
-- long ranges read this.
CREATE TABLE request_hour_endpoint (
    scope_id      INTEGER NOT NULL REFERENCES sync_scope (id) ON DELETE CASCADE,
    hour          INTEGER NOT NULL,   -- at_ms / 3600000
    endpoint_id   INTEGER NOT NULL REFERENCES endpoint (id),
    status_class  INTEGER NOT NULL,
    n             INTEGER NOT NULL,
    sum_ms        REAL    NOT NULL,
    max_ms        REAL    NOT NULL,
    PRIMARY KEY (scope_id, hour, endpoint_id, status_class)
) WITHOUT ROWID;

-- Latency histograms per hour and status class (log-spaced bins, see `latency_bin` in the code),
-- kept in step the same way. Latency percentiles over time on long ranges are estimated from
-- these (within 2.5%) instead of ranking every duration.
CREATE TABLE request_hour_latency (
    scope_id      INTEGER NOT NULL REFERENCES sync_scope (id) ON DELETE CASCADE,
    hour          INTEGER NOT NULL,
    status_class  INTEGER NOT NULL,
    bin           INTEGER NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (scope_id, hour, status_class, bin)
) WITHOUT ROWID;

CREATE TABLE request_body (
    row               INTEGER PRIMARY KEY REFERENCES request (row) ON DELETE CASCADE,
    input             TEXT,   -- JSON, masked
    output            TEXT,   -- JSON, masked
    request_headers   TEXT,   -- JSON array, masked
    response_headers  TEXT    -- JSON array, masked
);
