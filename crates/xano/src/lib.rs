//! Typed client for the Xano Metadata API (`api:meta`).
//!
//! What it guarantees:
//! - The wire shapes of `../shared/docs/xano-metadata-api.md`: bare arrays (`/workspace`, branches,
//!   data sources, instances), the meta list envelope, and the content envelope, parsed into the
//!   types of [`types`] without losing fields we do not model (`extra`).
//! - Every request is a plain [`XanoRequest`] value first, so a caller can preview the exact call
//!   (method, URL, headers with the token redacted, body) before sending it.
//! - Errors are typed ([`Error`]) and say what to do; 429 is retried with backoff and jitter
//!   (honouring `Retry-After`), 5xx and timeouts only for idempotent requests; attempts and
//!   per-request time are bounded.
//! - The token is a [`XanoToken`]: its `Debug` is redacted, the header is marked sensitive, and no
//!   log line carries it.
//!
//! What it deliberately does not do: interpret tool arguments (that is `crates/mcp`), cache, or
//! store anything.

mod client;
mod error;
mod instance;
mod paging;
pub mod requests;
pub mod search;
mod token;
pub mod types;

pub use client::{ClientOptions, RequestPreview, RetryPolicy, XanoClient};
pub use error::{Error, Result};
pub use instance::{ACCOUNT_META_URL, MetaBase};
pub use paging::{ContentPage, MetaPage};
pub use paging::{Paged, collect_all};
pub use requests::{Idempotency, Method, XanoRequest};
pub use token::XanoToken;
