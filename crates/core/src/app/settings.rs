//! Engine settings: what the server does, kept in `settings.json` in the engine's home so the app
//! and the CLI share them (UI preferences such as the theme live in the app's own store).
//!
//! Invariants: a file that cannot be read as settings is reported, never overwritten silently;
//! every value is range-checked before it is saved; writes are atomic (temp file + rename).

use super::error::{AppError, AppResult};
use crate::Paths;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The file name of the engine settings inside the engine home.
pub const SETTINGS_FILE: &str = "settings.json";

/// What the MCP server and the engine do. Field docs are what the settings page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct EngineSettings {
    /// The MCP server's port on 127.0.0.1 (0 = any free port, for tests).
    pub port: u16,
    /// Largest tool result sent to an AI app, in kilobytes.
    pub output_cap_kb: u32,
    /// Days the synced request history is kept (older requests are removed after each sync).
    pub retention_days: u32,
    /// Keep the headers and bodies of synced requests (secrets masked). Off by default.
    #[serde(default)]
    pub history_bodies: bool,
    /// Calls per minute for new access tokens.
    pub rate_limit_per_minute: u32,
    /// Seconds an approval waits before the call is denied.
    pub approval_timeout_secs: u32,
    /// The app serves the built-in demo backend instead of a Xano account.
    pub demo_mode: bool,
    /// The setup wizard was completed once.
    pub setup_done: bool,
}

impl Default for EngineSettings {
    fn default() -> Self {
        Self {
            port: mcp::http::DEFAULT_PORT,
            output_cap_kb: 100,
            retention_days: 30,
            history_bodies: false,
            rate_limit_per_minute: mcp::policy::DEFAULT_RATE_PER_MINUTE,
            approval_timeout_secs: 120,
            demo_mode: false,
            setup_done: false,
        }
    }
}

impl EngineSettings {
    /// Checks every value; the error names the field and the accepted range.
    pub fn validate(&self) -> AppResult<()> {
        let check = |ok: bool, field: &str, msg: &str| {
            if ok {
                Ok(())
            } else {
                Err(AppError::invalid(field, msg))
            }
        };
        check(
            self.port == 0 || self.port >= 1024,
            "port",
            "Choose a port from 1024 to 65535 (7717 is the default).",
        )?;
        check(
            (8..=10_240).contains(&self.output_cap_kb),
            "outputCapKb",
            "The output cap must be between 8 KB and 10240 KB (100 KB is the default).",
        )?;
        check(
            (1..=3650).contains(&self.retention_days),
            "retentionDays",
            "Keep the log between 1 and 3650 days (30 is the default).",
        )?;
        check(
            (1..=10_000).contains(&self.rate_limit_per_minute),
            "rateLimitPerMinute",
            "The rate limit must be between 1 and 10000 calls per minute (240 is the default).",
        )?;
        check(
            (10..=3600).contains(&self.approval_timeout_secs),
            "approvalTimeoutSecs",
            "Approvals may wait between 10 and 3600 seconds (120 is the default).",
        )
    }

    /// The output cap in bytes.
    pub fn output_cap_bytes(&self) -> usize {
        self.output_cap_kb as usize * 1024
    }
}

/// Where the settings live.
pub fn settings_path(paths: &Paths) -> PathBuf {
    paths.home().join(SETTINGS_FILE)
}

/// Reads the settings; a missing file gives the defaults.
pub fn load_settings(paths: &Paths) -> AppResult<EngineSettings> {
    let path = settings_path(paths);
    match std::fs::read(&path) {
        // Missing keys (a file from an older version) take their defaults.
        Ok(bytes) => serde_json::from_slice::<serde_json::Value>(&bytes)
            .and_then(|found| {
                let mut merged = serde_json::to_value(EngineSettings::default())?;
                if let (Some(m), Some(f)) = (merged.as_object_mut(), found.as_object()) {
                    for (k, v) in f {
                        m.insert(k.clone(), v.clone());
                    }
                }
                serde_json::from_value(merged)
            })
            .map_err(|e| {
            AppError::storage(format!(
                "{} cannot be read as settings ({e}). Fix it in a text editor or delete it to get the defaults back.",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(EngineSettings::default()),
        Err(e) => Err(AppError::storage(format!(
            "Could not read {}: {e}. Check that you may read that folder.",
            path.display()
        ))),
    }
}

/// Validates and writes the settings atomically.
pub fn save_settings(paths: &Paths, settings: &EngineSettings) -> AppResult<()> {
    settings.validate()?;
    let io = |e: std::io::Error| {
        AppError::storage(format!(
            "Could not save the settings in {}: {e}. Check that the folder exists and that you may write to it.",
            paths.home().display()
        ))
    };
    paths.ensure().map_err(io)?;
    let path = settings_path(paths);
    let tmp = path.with_extension("json.tmp");
    let text =
        serde_json::to_vec_pretty(settings).map_err(|e| AppError::internal(e.to_string()))?;
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)
}

/// The colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    Light,
    Dark,
    /// Follow the operating system.
    #[default]
    System,
}

/// Preferences of the app's window (kept by the app in its own store, not in the engine home).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UiPrefs {
    pub theme: Theme,
    /// Show a desktop notification when a call waits for approval and the window is hidden.
    pub notify_approvals: bool,
}

impl UiPrefs {
    /// The preferences of a first run.
    pub fn first_run() -> Self {
        Self {
            theme: Theme::System,
            notify_approvals: true,
        }
    }
}

/// The settings page: the settings, where the data lives, and the profiles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub settings: EngineSettings,
    /// The engine's data folder (`XANO_MCP_HOME`).
    pub data_folder: String,
    pub profiles: Vec<ProfileView>,
    pub active_profile: Option<String>,
}

/// A saved Xano account (no secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    pub name: String,
    pub display_name: String,
    pub instance_url: String,
    pub default_workspace: Option<i64>,
    /// Unix seconds.
    pub token_expires_at: Option<i64>,
}

/// The settings page's content.
pub fn view(app: &super::AppState) -> AppResult<SettingsView> {
    let list = crate::list_profiles(&app.setup)?;
    Ok(SettingsView {
        settings: app.settings(),
        data_folder: app.paths().home().display().to_string(),
        active_profile: list.active,
        profiles: list
            .profiles
            .into_iter()
            .map(|p| ProfileView {
                name: p.name,
                display_name: p.display_name,
                instance_url: p.instance_url,
                default_workspace: p.default_workspace,
                token_expires_at: p.token_expires_at,
            })
            .collect(),
    })
}

/// Saves new settings; restarts the server when the port or the output cap changed.
pub async fn update(
    app: &std::sync::Arc<super::AppState>,
    next: EngineSettings,
) -> AppResult<SettingsView> {
    next.validate()?;
    let before = app.settings();
    // The wizard's own flags are not the settings page's to change.
    let next = EngineSettings {
        demo_mode: before.demo_mode,
        setup_done: before.setup_done,
        ..next
    };
    super::wizard::update_settings(app, |s| *s = next.clone())?;
    app.approvals
        .set_timeout(std::time::Duration::from_secs(u64::from(
            next.approval_timeout_secs,
        )));
    // The output cap lives in the engine: rebuild it; a new port only needs the server restarted.
    // Either way a failure shows as the server's state, not as a failed save.
    if next.retention_days != before.retention_days || next.history_bodies != before.history_bodies
    {
        // Retention applies at the end of a sync: run one now.
        app.sync.wake();
    }
    if next.output_cap_kb != before.output_cap_kb {
        super::server::start(app).await;
    } else if next.port != before.port {
        super::server::restart(app).await?;
    }
    view(app)
}

/// Makes a saved account the active one and serves it.
pub async fn use_profile(
    app: &std::sync::Arc<super::AppState>,
    name: &str,
) -> AppResult<SettingsView> {
    crate::use_profile(&app.setup, name)?;
    super::wizard::update_settings(app, |s| s.demo_mode = false)?;
    super::server::switch_backend(app, false).await?;
    view(app)
}

/// Signs out of a saved account (its token leaves the keychain).
pub async fn remove_profile(
    app: &std::sync::Arc<super::AppState>,
    name: &str,
) -> AppResult<SettingsView> {
    let removed = crate::remove_profile(&app.setup, name).await?;
    if removed.was_active && !app.settings().demo_mode {
        super::server::start(app).await;
    }
    view(app)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path());
        assert_eq!(load_settings(&paths).unwrap(), EngineSettings::default());
        let s = EngineSettings {
            port: 8123,
            demo_mode: true,
            ..Default::default()
        };
        save_settings(&paths, &s).unwrap();
        assert_eq!(load_settings(&paths).unwrap(), s);
        let bad = EngineSettings {
            port: 80,
            ..Default::default()
        };
        match save_settings(&paths, &bad) {
            Err(AppError::InvalidInput { field, .. }) => assert_eq!(field, "port"),
            other => panic!("{other:?}"),
        }
        std::fs::write(settings_path(&paths), "{nope").unwrap();
        assert_eq!(load_settings(&paths).unwrap_err().code(), "Storage");
    }
}
