//! The application API of Xano MCP Desktop: plain async functions that take a narrow context and
//! are called by both the Tauri commands (one-line adapters) and the `xano-mcp` CLI.
//!
//! - [`paths`]: where the engine's files live ([`Paths`]).
//! - [`SetupContext`]: what the setup use cases need (paths, vault, account host, HTTP options,
//!   headless credentials).
//! - Setup ([`setup`]): [`validate_token`], [`discover_instances`] / [`instance_from_url`],
//!   [`list_workspaces_and_branches`], [`save_profile`], [`rotate_token`], [`remove_profile`],
//!   [`forget_everything`], [`token_expiry`] / [`set_token_expiry`], [`list_profiles`] /
//!   [`use_profile`], [`keychain_check`].
//! - [`connect`]: the instance and token to use, from a profile, the keychain or `XANO_TOKEN` /
//!   `XANO_INSTANCE_URL`.
//! - [`check_scopes`]: probes the reads an [`AccessTier`] needs and names a missing scope.
//! - [`doctor`]: every check of the setup, with what to fix.
//! - [`audit`]: every MCP call into the history store ([`audit::AuditWriter`]).
//!
//! Every failure is one [`Error`], serialisable with a closed set of codes for the UI.
//!
//! Nothing here depends on Tauri (CI checks it).

mod access;
pub mod app;
pub mod audit;
mod context;
pub mod doctor;
mod error;
mod expiry;
pub mod paths;
mod port;
mod scopes;
pub mod setup;
pub mod synced;

pub use access::{TokenSource, XanoAccess, connect};
pub use context::{
    ACCOUNT_URL_ENV, Headless, SetupContext, XANO_INSTANCE_URL_ENV, account_base_from_env,
    setup_http_options,
};
pub use doctor::{CheckStatus, DoctorCheck, DoctorOptions, DoctorReport, doctor};
pub use error::{Error, Result};
pub use expiry::{EXPIRY_WARNING_SECS, ExpiryStatus, TokenExpiry, expiry_from_token};
pub use paths::Paths;
pub use port::{PortStatus, port_status};
pub use scopes::{
    AccessTier, Permission, ProbeOutcome, ScopeNeed, ScopeProbe, ScopeReport, XanoScope,
    check_scopes, tier_needs,
};
pub use setup::{
    BranchInfo, ForgetReport, InstanceIdentity, ProfileDefaults, ProfileList, RemovedProfile,
    SavedProfile, TokenCheck, WorkspaceBranches, XanoInstance, XanoUser, check_profile_defaults,
    discover_instances, forget_everything, instance_from_url, keychain_check, list_profiles,
    list_workspaces_and_branches, profile_for, remove_profile, rotate_token, save_profile,
    set_token_expiry, token_expiry, use_profile, validate_token,
};
