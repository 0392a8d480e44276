//! The desktop app shell. It owns the window, the tray and the typed command list; every command
//! is a one-line adapter into `core_api::app` (DESIGN §2). Nothing here holds business logic.
//!
//! Lifecycle: one instance at a time (a second launch focuses the first window); the MCP server
//! and the request-history sync start with the app; closing the window hides it and the server keeps running behind the tray
//! icon; Quit in the tray stops the server and ends the app.

#[cfg(test)]
mod command_tests;
pub mod commands;
pub mod events;
pub mod shell;
pub mod tray;

use core_api::app::{AppConfig, AppState, history, server};
use std::sync::Arc;
use tauri::{Manager, WindowEvent};

/// Starts the desktop app and blocks until it exits.
pub fn run() {
    let state = match AppConfig::from_env().and_then(AppState::open) {
        Ok(state) => state,
        Err(err) => {
            eprintln!("xano-mcp-desktop could not start: {err}");
            std::process::exit(1);
        }
    };
    let specta = commands::specta_builder();
    let started = state.clone();
    let result = tauri::Builder::default()
        // First, so a second launch is caught before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tray::show_window(app);
        }))
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            None,
        ))
        .manage(state)
        .invoke_handler(specta.invoke_handler())
        .setup(move |app| {
            specta.mount_events(app);
            app.manage(shell::Shell::for_app(app.handle()));
            if let Err(e) = tray::create(app.handle()) {
                // No tray (e.g. a desktop without a status area): closing the window then quits.
                eprintln!("xano-mcp-desktop: no tray icon: {e}");
            }
            events::forward(app.handle().clone(), started.clone());
            let state = started.clone();
            tauri::async_runtime::spawn(async move {
                server::start(&state).await;
                // Request history: synced now and every few minutes; stopped by `server::stop`.
                history::start_sync_job(&state);
            });
            Ok(())
        })
        .on_window_event(|window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event
                && tray::has_tray(window.app_handle())
            {
                // The tray keeps the server alive; Quit there ends the app.
                api.prevent_close();
                let _ = window.hide();
            }
        })
        .build(tauri::generate_context!());
    match result {
        Ok(app) => app.run(|app, event| {
            if let tauri::RunEvent::Exit = event
                && let Some(state) = app.try_state::<Arc<AppState>>()
            {
                let state = state.inner().clone();
                tauri::async_runtime::block_on(async move {
                    server::stop(&state).await;
                });
            }
        }),
        Err(err) => {
            eprintln!("xano-mcp-desktop could not start: {err}");
            std::process::exit(1);
        }
    }
}
