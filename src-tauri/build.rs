fn main() {
    // tauri.conf.json sits at the repository root, beside the root Cargo.toml (DESIGN §2).
    tauri_build::build()
}
