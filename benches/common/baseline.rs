//! The baseline: Oxigraph's command-line server, the release kgql embeds, from its published
//! Python wheel in a virtual environment of its own (no build), and servers as child processes.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Oxigraph release kgql embeds.
pub const VERSION: &str = "0.5.13";

/// The virtual environment the benchmarks make: beside the build's own directories.
fn venv() -> Option<PathBuf> {
    // The benchmark runs as `target/<profile>/deps/<name>-<hash>`.
    let exe = std::env::current_exe().ok()?;
    let target = exe.parent()?.parent()?.parent()?;
    Some(target.join(format!("oxigraph-{VERSION}-venv")))
}

/// Whether `program --version` runs.
fn runs(program: &Path) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The `oxigraph` executable: `OXIGRAPH_BIN`, else the benchmarks' virtual environment, else one
/// on the `PATH` or in `~/.cargo/bin`. With `install`, the virtual environment is made when
/// there is none (`python3 -m venv`, then `pip install oxigraph==VERSION`).
pub fn cli(install: bool) -> Result<Option<PathBuf>, String> {
    if let Some(named) = std::env::var_os("OXIGRAPH_BIN") {
        let named = PathBuf::from(named);
        return if runs(&named) {
            Ok(Some(named))
        } else {
            Err(format!("OXIGRAPH_BIN={} does not run", named.display()))
        };
    }
    if let Some(venv) = venv() {
        let program = venv.join("bin/oxigraph");
        if runs(&program) {
            return Ok(Some(program));
        }
        if install {
            eprintln!("installing oxigraph {VERSION} into {}", venv.display());
            make_venv(&venv)?;
            return Ok(Some(program));
        }
    }
    let on_path = PathBuf::from("oxigraph");
    if runs(&on_path) {
        return Ok(Some(on_path));
    }
    let cargo =
        std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo/bin/oxigraph"));
    Ok(cargo.filter(|c| runs(c)))
}

fn make_venv(venv: &Path) -> Result<(), String> {
    let pip = venv.join("bin/pip");
    let steps: [(&Path, Vec<String>); 2] = [
        (
            Path::new("python3"),
            vec!["-m".into(), "venv".into(), venv.display().to_string()],
        ),
        (
            &pip,
            vec![
                "install".into(),
                "--quiet".into(),
                format!("oxigraph=={VERSION}"),
            ],
        ),
    ];
    for (program, args) in steps {
        let output = Command::new(program)
            .args(&args)
            .output()
            .map_err(|e| format!("{}: {e}", program.display()))?;
        if !output.status.success() {
            return Err(format!(
                "{} {} failed: {}",
                program.display(),
                args.join(" "),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    if runs(&venv.join("bin/oxigraph")) {
        Ok(())
    } else {
        Err(format!(
            "no oxigraph in {} after installing",
            venv.display()
        ))
    }
}

/// A free port on the loopback interface.
pub fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// A server in a child process, stopped when dropped.
pub struct Server {
    pub name: &'static str,
    pub port: u16,
    child: Child,
}

impl Server {
    /// Starts `command` (which must listen on `port`) and waits until it accepts connections.
    pub fn start(name: &'static str, mut command: Command, port: u16) -> Result<Self, String> {
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("{name}: {e}"))?;
        let mut server = Self { name, port, child };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!("{name} stopped at start: {status}"));
            }
            if started.elapsed() > Duration::from_secs(120) {
                return Err(format!("{name} did not start in two minutes"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(server)
    }

    /// `oxigraph serve-read-only` on a store directory, the default graph the union of the
    /// named graphs (as kgql's).
    pub fn oxigraph(cli: &Path, store: &Path) -> Result<Self, String> {
        let port = free_port()?;
        let mut command = Command::new(cli);
        command
            .args(["serve-read-only", "--union-default-graph", "--location"])
            .arg(store)
            .args(["--bind", &format!("127.0.0.1:{port}")]);
        Self::start("oxigraph serve", command, port)
    }

    /// The server's base URL.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Loads `file` into a fresh store in `dir` with `oxigraph load`.
pub fn load(cli: &Path, dir: &Path, file: &Path) -> Result<Duration, String> {
    let started = Instant::now();
    let output = Command::new(cli)
        .args(["load", "--location"])
        .arg(dir)
        .arg("--file")
        .arg(file)
        .output()
        .map_err(|e| format!("oxigraph load: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "oxigraph load failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(started.elapsed())
}
