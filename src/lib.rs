//! reformcheck: checks rosters and statistics against the quantitative
//! targets of a reform plan, exactly, and reports what passes and what fails
//! with the plan's own clause numbers.
//!
//! Flow: [`pack`] loads the rule pack, [`input`] binds and reads files,
//! [`engine`] evaluates every rule in one pass per file into a
//! [`report::Report`], and a [`report::Render`] turns it into text.

#![forbid(unsafe_code)]
// Library code reports errors instead of panicking; tests may unwrap.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod cli;
pub mod date;
pub mod engine;
pub mod i18n;
pub mod input;
pub mod num;
mod output;
pub mod pack;
mod progress;
pub mod report;
pub mod target;
pub mod template;
pub mod validate;
pub mod warehouse;

use anyhow::{bail, Result};
use chrono::NaiveDate;
use clap::CommandFactory;
use cli::{CheckArgs, Cli, Command, RulesArgs};
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};

/// Report language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// 中文
    Zh,
    /// English
    En,
}

/// What the outside world tells a run: read once in `main`.
#[derive(Clone, Copy, Debug)]
pub struct Env {
    /// Today's date, the default `--as-of`.
    pub today: NaiveDate,
    /// Colour the table (stdout is a terminal and `NO_COLOR` is unset).
    pub color: bool,
    /// Standard error is a terminal, where a progress bar may be drawn.
    pub progress: bool,
}

/// Runs a command, writing its output to `out`; returns the exit code
/// (0 nothing unmet that `--fail-on` counts, 1 something is). Errors mean exit 2.
pub fn run(cli: Cli, env: Env, out: &mut dyn std::io::Write) -> Result<u8> {
    if let Some(lang) = cli.command.lang() {
        i18n::set_lang(lang);
    }
    match cli.command {
        Command::Check(args) => check(args, env, out),
        Command::Rules(args) => rules(args, out),
        Command::Completions { shell } => {
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut cli::Cli::command(), "reformcheck", &mut text);
            emit(out, &String::from_utf8_lossy(&text))?;
            Ok(0)
        }
        Command::Man => {
            emit(out, &man_page()?)?;
            Ok(0)
        }
        Command::Validate(args) => validate::run(args, env, out),
        Command::Template(args) => template::run(args, out),
        Command::Sql(args) => warehouse::sql_command(args, env, out),
    }
}

/// Rows listed per result by `--explain` without `--show-failing`.
pub const EXPLAIN_LIMIT: usize = 100;

fn check(args: CheckArgs, env: Env, out: &mut dyn std::io::Write) -> Result<u8> {
    let pack = pack::Pack::load(args.rules.as_deref())?;
    for id in &args.explain {
        if !pack.rules.iter().any(|r| &r.id == id) {
            bail!(
                "--explain {id}: no such rule; `reformcheck rules` lists them: {}",
                pack.rules
                    .iter()
                    .map(|r| r.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    // Tables (--db) and aggregates (--aggregates) bind no files.
    let warehouse = args.db.is_some() || args.aggregates.is_some();
    let bindings = if warehouse {
        Vec::new()
    } else {
        input::bind(&args.inputs, &pack)?
    };
    let outputs = output::plan(&args.output, &bindings)?;
    let opts = engine::CheckOptions {
        as_of: warehouse::as_of(&args)?.unwrap_or(env.today),
        year: args.year,
        lang: args.lang,
        explain: engine::ExplainOptions {
            rules: args.explain.clone(),
            all: args.show_failing.is_some(),
            limit: args.show_failing.unwrap_or(EXPLAIN_LIMIT),
        },
        encoding: args.read.encoding,
        sheet: args.read.sheet.clone(),
    };
    // A bar only for people watching: never in pipes, JSON or --quiet.
    let report = if warehouse {
        warehouse::check(&pack, &args, &opts)?
    } else if env.progress && !args.quiet && args.format != report::Format::Json {
        engine::check_with_progress(&pack, &bindings, &opts, &progress::Bar::default())?
    } else {
        engine::check(&pack, &bindings, &opts)?
    };
    let file_opts = report::RenderOptions {
        lang: args.lang,
        color: false,
        view: args.view,
        all_issues: args.all_issues,
    };
    for (path, format) in &outputs {
        let text = format.renderer().render(&report, &file_opts)?;
        output::write(path, text.as_bytes())?;
    }
    if !args.quiet {
        let opts = report::RenderOptions {
            lang: args.lang,
            color: env.color && args.format == report::Format::Table,
            view: args.view,
            all_issues: args.all_issues,
        };
        ignore_broken_pipe(args.format.renderer().write(&report, &opts, out))?;
    }
    Ok(u8::from(report.fails(args.fail_on)))
}

/// The man page: one page that documents every subcommand and flag (a
/// section per subcommand with its synopsis and options), rather than a page
/// per subcommand that `man reformcheck` would not show.
fn man_page() -> Result<String> {
    let cmd = cli::Cli::command();
    let top = clap_mangen::Man::new(cmd.clone());
    let mut page = Vec::new();
    top.render_title(&mut page)?;
    top.render_name_section(&mut page)?;
    top.render_synopsis_section(&mut page)?;
    top.render_description_section(&mut page)?;
    top.render_options_section(&mut page)?;
    for sub in cmd.get_subcommands() {
        let name = format!("reformcheck {}", sub.get_name());
        let man = clap_mangen::Man::new(sub.clone().bin_name(name));
        let mut part = Vec::new();
        man.render_synopsis_section(&mut part)?;
        man.render_description_section(&mut part)?;
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            man.render_options_section(&mut part)?;
        }
        // Demote the subcommand's sections under its own heading.
        let part = String::from_utf8_lossy(&part)
            .lines()
            .map(|l| match l.strip_prefix(".SH ") {
                Some(rest) => format!(".SS {rest}\n"),
                None => format!("{l}\n"),
            })
            .collect::<String>();
        page.extend_from_slice(
            format!(".SH \"REFORMCHECK {}\"\n", sub.get_name().to_uppercase()).as_bytes(),
        );
        page.extend_from_slice(part.as_bytes());
    }
    top.render_version_section(&mut page)?;
    Ok(String::from_utf8_lossy(&page).into_owned())
}

/// Writes output; a closed pipe (`reformcheck … | head`) is not an error.
/// A reader of standard output that stopped early (`| head`) is not an error.
fn ignore_broken_pipe(written: Result<()>) -> Result<()> {
    let Err(e) = written else { return Ok(()) };
    let kind = e
        .downcast_ref::<std::io::Error>()
        .map(std::io::Error::kind)
        .or_else(|| e.downcast_ref::<serde_json::Error>()?.io_error_kind());
    match kind {
        Some(std::io::ErrorKind::BrokenPipe) => Ok(()),
        _ => Err(e),
    }
}

pub(crate) fn emit(out: &mut dyn std::io::Write, text: &str) -> Result<()> {
    ignore_broken_pipe(
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(Into::into),
    )
}

fn rules(args: RulesArgs, out: &mut dyn std::io::Write) -> Result<u8> {
    let pack = pack::Pack::load(args.rules.as_deref())?;
    let zh = args.lang == Lang::Zh;
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.set_content_arrangement(ContentArrangement::Dynamic);
    table.force_no_tty();
    table.set_header(if zh {
        ["规则", "条款", "指标", "目标", "数据集", "期限", "级别"]
    } else {
        [
            "rule", "clause", "title", "target", "dataset", "due", "severity",
        ]
    });
    for r in &pack.rules {
        table.add_row(vec![
            r.id.clone(),
            r.clause.clone(),
            r.title.get(args.lang).to_string(),
            r.target.to_string(),
            pack.datasets[r.dataset].name.clone(),
            r.due.map(|d| d.to_string()).unwrap_or_default(),
            r.severity.as_str().to_string(),
        ]);
    }
    let text = format!(
        "{}（{}）\n{table}\n",
        pack.title.get(args.lang),
        pack.document
    );
    emit(out, &text)?;
    Ok(0)
}
