//! The one list of typed commands and events the UI may call. `ui/src/bindings.ts` is generated from
//! it by the `bindings_are_current` test; CI fails when the committed file drifts.

use serde::Serialize;
use specta::Type;
use tauri_specta::{Builder, collect_commands, collect_events};

/// What the UI shows in its footer and about box.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub name: String,
    pub version: String,
}

/// Name and version of the running app.
#[tauri::command]
#[specta::specta]
pub fn app_info() -> AppInfo {
    AppInfo {
        name: "Xano MCP Desktop".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

/// The command and event registry shared by the app and the bindings export.
pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![app_info])
        .events(collect_events![])
}

#[cfg(test)]
mod tests {
    use super::*;
    use specta_typescript::Typescript;
    use std::path::PathBuf;

    fn committed_bindings() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings.ts")
    }

    /// Regenerates the TypeScript bindings into a temp file and compares them with the committed
    /// ones. `UPDATE_BINDINGS=1 cargo test bindings` rewrites the committed file instead.
    #[test]
    fn bindings_are_current() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fresh = dir.path().join("bindings.ts");
        specta_builder()
            .export(Typescript::default(), &fresh)
            .expect("export bindings");
        let fresh = std::fs::read_to_string(&fresh).expect("read fresh bindings");
        let committed_path = committed_bindings();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&committed_path, &fresh).expect("write bindings");
            return;
        }
        let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/bindings.ts is out of date: run `UPDATE_BINDINGS=1 cargo test -p xano-mcp-desktop bindings` and commit it"
        );
    }

    #[test]
    fn app_info_reports_our_version() {
        let info = app_info();
        assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(info.name, "Xano MCP Desktop");
    }
}
