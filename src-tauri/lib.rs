//! The desktop app shell. It owns windows, the tray and the typed command list; every command is a
//! one-line adapter into the engine crates (DESIGN §2). Nothing here holds business logic.

pub mod commands;

/// Starts the desktop app and blocks until it exits.
pub fn run() {
    let specta = commands::specta_builder();
    tauri::Builder::default()
        .invoke_handler(specta.invoke_handler())
        .setup(move |app| {
            specta.mount_events(app);
            Ok(())
        })
        .run(tauri::generate_context!())
        .unwrap_or_else(|err| {
            eprintln!("xano-mcp-desktop could not start: {err}");
            std::process::exit(1);
        });
}
