//! The tray icon: it keeps the MCP server running while the window is closed, shows the server's
//! state, reopens the window, and Quit stops the server and ends the app.

use core_api::app::{AppState, ServerState, ServerStatus, server};
use std::sync::Arc;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

/// The tray's status line, kept to update it.
struct StatusLine<R: Runtime>(MenuItem<R>);

/// Brings the main window back.
pub fn show_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

/// Whether the tray icon exists (it is what brings a hidden window back).
pub fn has_tray<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.tray_by_id("main").is_some()
}

/// Hides the main window when a tray icon can bring it back; `false` otherwise (nothing changes).
pub fn hide_to_tray<R: Runtime>(app: &AppHandle<R>) -> bool {
    has_tray(app)
        && app
            .get_webview_window("main")
            .is_some_and(|w| w.hide().is_ok())
}

/// Stops the server and ends the app.
pub fn quit<R: Runtime>(app: &AppHandle<R>) {
    if let Some(state) = app.try_state::<Arc<AppState>>() {
        let state = state.inner().clone();
        tauri::async_runtime::block_on(async move {
            server::stop(&state).await;
        });
    }
    app.exit(0);
}

fn status_text(status: &ServerStatus) -> String {
    match status.state {
        ServerState::Running => format!("Server running on port {}", status.port),
        ServerState::NotConfigured => "Server not set up yet".to_owned(),
        ServerState::PortInUse => format!("Server stopped: port {} is taken", status.port),
        ServerState::Failed => "Server stopped: see the dashboard".to_owned(),
        ServerState::Stopped => "Server stopped".to_owned(),
    }
}

/// Creates the tray icon.
pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open", "Open Xano MCP Desktop", true, None::<&str>)?;
    let status = MenuItem::with_id(app, "status", "Server starting…", false, None::<&str>)?;
    let quit_item = MenuItem::with_id(
        app,
        "quit",
        "Quit (stops the MCP server)",
        true,
        None::<&str>,
    )?;
    let menu = Menu::with_items(
        app,
        &[
            &open,
            &status,
            &PredefinedMenuItem::separator(app)?,
            &quit_item,
        ],
    )?;
    let mut tray = TrayIconBuilder::with_id("main")
        .tooltip("Xano MCP Desktop")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "open" => show_window(app),
            "quit" => quit(app),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                show_window(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    app.manage(StatusLine(status));
    Ok(())
}

/// Shows the server's state in the tray menu.
pub fn show_status<R: Runtime>(app: &AppHandle<R>, status: &ServerStatus) {
    if let Some(line) = app.try_state::<StatusLine<R>>() {
        let _ = line.0.set_text(status_text(status));
    }
}
