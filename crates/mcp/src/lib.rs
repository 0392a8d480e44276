//! The MCP tool surface over the Xano Metadata API (DESIGN §3).
//!
//! - Tool names and argument shapes follow Xano's hosted MCP server and the seed examples
//!   (`server.rs`), with precise schemas and annotations.
//! - Arguments are translated exactly (`query.rs`, `dates.rs`, `ids.rs`): what Xano's search can
//!   express is pushed down, the rest is evaluated locally, so results are always exact.
//! - Every write can be previewed (`dry_run`, `previewToolCall`): the exact Xano requests and the
//!   rows it would touch, with nothing changed (`context.rs`).
//! - Results are capped with a continuation hint, and database content is marked as untrusted data
//!   (`shaping.rs`); failures are tool errors a model can act on (`error.rs`).
//!
//! Transports, access tokens, policy and the audit log wrap this crate through
//! [`server::CallHook`]; they are not here.

pub mod approval;
pub mod context;
pub mod dates;
pub mod engine;
pub mod error;
pub mod forward;
pub mod http;
pub mod ids;
pub mod local_history;
pub mod policy;
pub mod query;
pub mod server;
pub mod sessions;
pub mod shaping;
pub mod tools;

pub use engine::{Engine, EngineOptions};
pub use error::{ToolError, ToolResult};
pub use server::{CallHook, CallOutcome, NoHook, XanoMcpServer};
