//! The machine a run was measured on: numbers mean little without it. The load average at start is
//! recorded too, because the build machines are shared and a busy neighbour skews every number.

use serde::Serialize;

/// Where the numbers came from.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    /// Logical CPUs this process may use.
    pub cores: usize,
    pub cpu_model: String,
    /// e.g. `Ubuntu 24.04.2 LTS (Linux 6.8.0)`.
    pub os: String,
    pub memory_total_mb: u64,
    /// `/proc/loadavg` (1, 5, 15 minutes) when the run started.
    pub load_average_at_start: Option<[f64; 3]>,
    pub rustc: Option<String>,
}

fn read(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

impl Machine {
    /// Reads it from the running system.
    pub fn detect() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let cpu_model = read("/proc/cpuinfo")
            .and_then(|t| {
                t.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_else(|| std::env::consts::ARCH.to_owned());
        let pretty = read("/etc/os-release").and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_owned())
        });
        let kernel = read("/proc/sys/kernel/osrelease").map(|k| k.trim().to_owned());
        let os = match (pretty, kernel) {
            (Some(p), Some(k)) => format!("{p} ({} {k})", std::env::consts::OS),
            (Some(p), None) => p,
            (None, Some(k)) => format!("{} {k}", std::env::consts::OS),
            (None, None) => std::env::consts::OS.to_owned(),
        };
        let memory_total_mb = read("/proc/meminfo")
            .and_then(|t| {
                t.lines()
                    .find_map(|l| l.strip_prefix("MemTotal:"))
                    .and_then(|v| v.split_whitespace().next())
                    .and_then(|n| n.parse::<u64>().ok())
            })
            .map_or(0, |kb| kb / 1024);
        let load_average_at_start = read("/proc/loadavg").and_then(|t| {
            let v: Vec<f64> = t
                .split_whitespace()
                .take(3)
                .filter_map(|x| x.parse().ok())
                .collect();
            (v.len() == 3).then(|| [v[0], v[1], v[2]])
        });
        let rustc = std::process::Command::new("rustc")
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_owned());
        Self {
            cores,
            cpu_model,
            os,
            memory_total_mb,
            load_average_at_start,
            rustc,
        }
    }
}
