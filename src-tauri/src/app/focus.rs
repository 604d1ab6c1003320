//! A second launch on the same data directory focuses the running window: the first
//! instance listens on a Unix socket in the data directory (which it owns by its lock).

use std::path::Path;

pub const SOCKET_FILE: &str = "hookdesk.sock";

#[cfg(unix)]
pub fn listen(app: tauri::AppHandle, data_dir: &Path) {
    use std::io::Read;
    use std::os::unix::net::UnixListener;
    let path = data_dir.join(SOCKET_FILE);
    // We hold the data directory's lock, so a socket file left here is stale.
    let _ = std::fs::remove_file(&path);
    let listener = match UnixListener::bind(&path) {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!("a second launch will not be able to focus this window: {e}");
            return;
        }
    };
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 16];
            if let Ok(n) = stream.read(&mut buf)
                && &buf[..n] == b"focus\n"
            {
                super::show_main_window(&app);
            }
        }
    });
}

#[cfg(unix)]
pub fn ask_running_window(data_dir: &Path) -> bool {
    use std::io::Write;
    std::os::unix::net::UnixStream::connect(data_dir.join(SOCKET_FILE)).and_then(|mut s| s.write_all(b"focus\n")).is_ok()
}

#[cfg(not(unix))]
pub fn listen(_app: tauri::AppHandle, _data_dir: &Path) {}

#[cfg(not(unix))]
pub fn ask_running_window(_data_dir: &Path) -> bool {
    false
}
