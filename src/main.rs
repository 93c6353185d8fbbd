#![forbid(unsafe_code)]

use clap::Parser;
use reformcheck::{cli::Cli, run, Env};
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    reformcheck::privacy::install_panic_hook();
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let env = Env {
        today: chrono::Local::now().date_naive(),
        color: stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        progress: std::io::stderr().is_terminal(),
        width: terminal_width(&stdout),
    };
    match run(cli, env, &mut stdout.lock()) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!(
                "error: {}",
                reformcheck::privacy::shown_multiline(&format!("{e:#}"))
            );
            ExitCode::from(2)
        }
    }
}

/// `COLUMNS` when set (shells export it; set it by hand for a pipe), else
/// the width of the terminal standard output is, else none.
fn terminal_width(stdout: &std::io::Stdout) -> Option<usize> {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse().ok());
    columns.filter(|&c: &usize| c > 0).or_else(|| {
        terminal_size::terminal_size_of(stdout).map(|(terminal_size::Width(w), _)| usize::from(w))
    })
}
