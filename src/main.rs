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
