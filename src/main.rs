#![forbid(unsafe_code)]

use clap::FromArgMatches;
use reformcheck::{cli, i18n, run, tr, Env, Lang};
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    reformcheck::privacy::install_panic_hook();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Errors follow --lang, Chinese by default; help follows --lang, else LANG.
    let asked = cli::lang_in_args(&args);
    i18n::set_lang(asked.unwrap_or(Lang::Zh));
    let help_lang = asked.unwrap_or_else(|| i18n::from_env(|k| std::env::var(k).ok()));
    let parsed = cli::command(help_lang)
        .try_get_matches_from(&args)
        .and_then(|m| cli::Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return parse_error(&e),
    };
    let stdout = std::io::stdout();
    let env = Env {
        today: chrono::Local::now().date_naive(),
        color: stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        progress: std::io::stderr().is_terminal(),
        help: help_lang,
        terminal: stdout.is_terminal(),
        width: terminal_width(&stdout),
    };
    match run(cli, env, &mut stdout.lock()) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!(
                "{}{}",
                tr!("错误：", "error: "),
                reformcheck::privacy::shown_multiline(&format!("{e:#}"))
            );
            ExitCode::from(2)
        }
    }
}

/// Help and version go to standard output (exit 0); a parse error to
/// standard error in the run's language (exit 2).
fn parse_error(e: &clap::Error) -> ExitCode {
    match (i18n::lang(), cli::error_text(e)) {
        (Lang::Zh, Some(text)) => {
            eprint!("{text}");
            ExitCode::from(2)
        }
        _ => {
            let _ = e.print();
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
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
