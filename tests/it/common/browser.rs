//! Headless Chromium (Debian's package, installed on first use as .ci/run
//! does, so that a test never skips): a page's DOM after rendering, a
//! screenshot, and every URL the browser requested while it loaded the page.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// The browser binary, installed with apt-get when missing.
pub fn chromium() -> PathBuf {
    static INSTALL: Mutex<()> = Mutex::new(());
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let find = || ["/usr/bin/chromium", "/usr/bin/chromium-browser"].iter().map(PathBuf::from).find(|p| p.exists());
    if let Some(p) = find() {
        return p;
    }
    let ok = Command::new("sh")
        .args(["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "could not install Chromium (apt-get install -y chromium)");
    find().expect("chromium after apt-get install")
}

/// What rendering a page gave.
pub struct Rendered {
    /// The DOM after load (`--dump-dom`).
    pub dom: String,
    /// The screenshot's share of pixels that are not (nearly) white.
    pub ink: f64,
    /// Every http(s) URL in the network log that the page could have asked
    /// for; the browser's own background requests (Google's update, time
    /// and account services, which a headless Chromium makes whatever the
    /// page) are left out.
    pub requests: Vec<String>,
}

fn base(dir: &Path, profile: &str) -> Command {
    let mut c = Command::new(chromium());
    let profile = dir.join(profile);
    std::fs::create_dir_all(&profile).unwrap();
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

fn browser_own(url: &str) -> bool {
    let host = url.split("://").nth(1).unwrap_or("").split(['/', '?', ':']).next().unwrap_or("");
    ["google.com", "googleapis.com", "gstatic.com", "gvt1.com"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// Renders `page` (an HTML file) at 1280 px wide.
pub fn render(page: &Path) -> Rendered {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    let netlog = dir.path().join("net.json");
    let out = base(dir.path(), "dom")
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap();
    assert!(out.status.success(), "chromium --dump-dom failed: {}", String::from_utf8_lossy(&out.stderr));
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    let log: serde_json::Value = serde_json::from_slice(&std::fs::read(&netlog).unwrap()).unwrap();
    let mut requests: Vec<String> = log["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["params"]["url"].as_str())
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .filter(|u| !browser_own(u))
        .map(String::from)
        .collect();
    requests.sort();
    requests.dedup();
    let shot = dir.path().join("shot.png");
    let out = base(dir.path(), "shot")
        .arg("--window-size=1280,1600")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(out.status.success(), "chromium --screenshot failed: {}", String::from_utf8_lossy(&out.stderr));
    Rendered { dom, ink: ink(&shot), requests }
}

/// The share of a PNG's pixels that are not near white.
pub fn ink(png_file: &Path) -> f64 {
    let bytes = std::fs::read(png_file).unwrap();
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let pixels = buf[..info.buffer_size()].chunks(channels);
    let total = (info.width * info.height) as f64;
    pixels.filter(|p| p.iter().take(3).any(|&c| c < 230)).count() as f64 / total
}
