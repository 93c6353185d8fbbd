//! reformcheck: checks rosters and statistics against the quantitative
//! targets of a reform plan, exactly, and reports what passes and what fails
//! with the plan's own clause numbers.
//!
//! Flow: [`pack`] loads the rule pack, [`input`] binds and reads files,
//! [`engine`] evaluates every rule in one pass per file into a
//! [`report::Report`], and a [`report::Render`] turns it into text.

pub mod cli;
pub mod date;
pub mod engine;
pub mod input;
pub mod num;
pub mod pack;
mod progress;
pub mod report;
pub mod target;

use anyhow::Result;
use chrono::NaiveDate;
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
/// (0 all error-severity rules passed, 1 some failed). Errors mean exit 2.
pub fn run(cli: Cli, env: Env, out: &mut dyn std::io::Write) -> Result<u8> {
    match cli.command {
        Command::Check(args) => check(args, env, out),
        Command::Rules(args) => rules(args, out),
    }
}

fn check(args: CheckArgs, env: Env, out: &mut dyn std::io::Write) -> Result<u8> {
    let pack = pack::Pack::load(args.rules.as_deref())?;
    let bindings = input::bind(&args.inputs, &pack)?;
    let opts = engine::CheckOptions {
        as_of: args.as_of.unwrap_or(env.today),
        year: args.year,
        lang: args.lang,
    };
    let show = env.progress && !args.quiet && args.format != report::Format::Json;
    let report = if show {
        engine::check_with_progress(&pack, &bindings, &opts, &progress::Bar::default())?
    } else {
        engine::check(&pack, &bindings, &opts)?
    };
    let text = args.format.renderer().render(
        &report,
        &report::RenderOptions {
            lang: args.lang,
            color: env.color,
        },
    )?;
    emit(out, &text)?;
    Ok(u8::from(report.failed()))
}

/// Writes output; a closed pipe (`reformcheck … | head`) is not an error.
fn emit(out: &mut dyn std::io::Write, text: &str) -> Result<()> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
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
