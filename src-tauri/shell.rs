//! What the shell keeps beside the engine: the UI preferences (in `tauri-plugin-store`), the
//! start-at-login switch (`tauri-plugin-autostart`), the main window's hide-to-tray and the native
//! folder picker (`tauri-plugin-dialog`), each behind a small trait so the command tests run on the
//! mock runtime with in-memory stand-ins.

use core_api::app::{AppError, UiPrefs};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tauri::{AppHandle, Runtime};
use tauri_plugin_autostart::ManagerExt as _;
use tauri_plugin_store::StoreExt as _;

/// The store file of the UI preferences (under the app's data dir).
pub const PREFS_FILE: &str = "ui-prefs.json";
const PREFS_KEY: &str = "prefs";

/// Where the UI preferences are kept.
pub trait PrefsStore: Send + Sync + 'static {
    fn load(&self) -> Result<UiPrefs, AppError>;
    fn save(&self, prefs: &UiPrefs) -> Result<(), AppError>;
}

/// Whether the app starts at login.
pub trait LoginItem: Send + Sync + 'static {
    fn is_enabled(&self) -> Result<bool, AppError>;
    fn set_enabled(&self, enabled: bool) -> Result<(), AppError>;
}

/// The main window, as far as the UI may move it.
pub trait WindowControl: Send + Sync + 'static {
    /// Hides the window to the tray icon (the server keeps running); `false`, with the window
    /// left as it is, when there is no tray icon to bring it back from.
    fn hide_to_tray(&self) -> bool;
}

/// The system's folder picker.
pub trait FolderPicker: Send + Sync + 'static {
    /// Asks the user for a folder (blocks until they choose or cancel); `None` when cancelled.
    fn pick_folder(&self, title: &str) -> Option<PathBuf>;
}

/// The shell's managed state.
#[derive(Clone)]
pub struct Shell {
    pub prefs: Arc<dyn PrefsStore>,
    pub login: Arc<dyn LoginItem>,
    pub window: Arc<dyn WindowControl>,
    pub folders: Arc<dyn FolderPicker>,
}

impl std::fmt::Debug for Shell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shell").finish_non_exhaustive()
    }
}

impl Shell {
    /// The real ones, on the app's plugins.
    pub fn for_app<R: Runtime>(app: &AppHandle<R>) -> Self {
        Self {
            prefs: Arc::new(StorePrefs(app.clone())),
            login: Arc::new(Autostart(app.clone())),
            window: Arc::new(AppWindow(app.clone())),
            folders: Arc::new(NativePicker(app.clone())),
        }
    }

    /// In-memory stand-ins (tests); the folder picker answers `picked`.
    pub fn in_memory() -> Self {
        Self::with_picked_folder(None)
    }

    /// In-memory stand-ins whose folder picker answers `picked` (`None`: the user cancels).
    pub fn with_picked_folder(picked: Option<PathBuf>) -> Self {
        Self {
            prefs: Arc::new(MemoryPrefs::default()),
            login: Arc::new(MemoryLogin::default()),
            window: Arc::new(NoTray),
            folders: Arc::new(FixedPick(picked)),
        }
    }
}

fn storage(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Storage {
        message: format!(
            "Could not {what} the app's preferences ({e}). They are only cosmetic: the app keeps working with the defaults."
        ),
    }
}

struct StorePrefs<R: Runtime>(AppHandle<R>);

impl<R: Runtime> PrefsStore for StorePrefs<R> {
    fn load(&self) -> Result<UiPrefs, AppError> {
        let store = self.0.store(PREFS_FILE).map_err(|e| storage("read", e))?;
        Ok(store
            .get(PREFS_KEY)
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_else(UiPrefs::first_run))
    }

    fn save(&self, prefs: &UiPrefs) -> Result<(), AppError> {
        let store = self.0.store(PREFS_FILE).map_err(|e| storage("save", e))?;
        store.set(
            PREFS_KEY,
            serde_json::to_value(prefs).map_err(|e| storage("save", e))?,
        );
        store.save().map_err(|e| storage("save", e))
    }
}

struct Autostart<R: Runtime>(AppHandle<R>);

fn login_error(e: impl std::fmt::Display) -> AppError {
    AppError::Storage {
        message: format!(
            "Could not change “start at login” ({e}). Add Xano MCP Desktop to your system's startup applications by hand instead."
        ),
    }
}

impl<R: Runtime> LoginItem for Autostart<R> {
    fn is_enabled(&self) -> Result<bool, AppError> {
        self.0.autolaunch().is_enabled().map_err(login_error)
    }

    fn set_enabled(&self, enabled: bool) -> Result<(), AppError> {
        let launcher = self.0.autolaunch();
        if enabled {
            launcher.enable()
        } else {
            launcher.disable()
        }
        .map_err(login_error)
    }
}

#[derive(Default)]
struct MemoryPrefs(Mutex<Option<UiPrefs>>);

impl PrefsStore for MemoryPrefs {
    fn load(&self) -> Result<UiPrefs, AppError> {
        Ok(self
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .unwrap_or_else(UiPrefs::first_run))
    }

    fn save(&self, prefs: &UiPrefs) -> Result<(), AppError> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(prefs.clone());
        Ok(())
    }
}

#[derive(Default)]
struct MemoryLogin(Mutex<bool>);

impl LoginItem for MemoryLogin {
    fn is_enabled(&self) -> Result<bool, AppError> {
        Ok(*self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn set_enabled(&self, enabled: bool) -> Result<(), AppError> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = enabled;
        Ok(())
    }
}

struct AppWindow<R: Runtime>(AppHandle<R>);

impl<R: Runtime> WindowControl for AppWindow<R> {
    fn hide_to_tray(&self) -> bool {
        crate::tray::hide_to_tray(&self.0)
    }
}

/// A desktop without a tray (and the tests' stand-in): the window stays.
struct NoTray;

impl WindowControl for NoTray {
    fn hide_to_tray(&self) -> bool {
        false
    }
}

struct NativePicker<R: Runtime>(AppHandle<R>);

impl<R: Runtime> FolderPicker for NativePicker<R> {
    fn pick_folder(&self, title: &str) -> Option<PathBuf> {
        use tauri_plugin_dialog::DialogExt as _;
        let mut dialog = self.0.dialog().file().set_title(title);
        if let Some(home) = std::env::var_os("HOME") {
            dialog = dialog.set_directory(home);
        }
        dialog.blocking_pick_folder()?.into_path().ok()
    }
}

/// The tests' picker: always the same answer.
struct FixedPick(Option<PathBuf>);

impl FolderPicker for FixedPick {
    fn pick_folder(&self, _title: &str) -> Option<PathBuf> {
        self.0.clone()
    }
}
