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
pub mod config;
pub mod date;
pub mod engine;
pub mod i18n;
pub mod input;
pub mod num;
mod output;
pub mod pack;
pub mod privacy;
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
    /// The language of help and the man page: `--lang`, else `LANG`.
    pub help: Lang,
    /// Standard output is a terminal (where an Excel report cannot go).
    pub terminal: bool,
    /// The width table output on standard output must fit: `COLUMNS`, else
    /// the terminal's; `None` (no limit) for a pipe without `COLUMNS`.
    pub width: Option<usize>,
}

/// Runs a command, writing its output to `out`; returns the exit code
/// (0 nothing unmet that `--fail-on` counts, 1 something is). Errors mean exit 2.
pub fn run(cli: Cli, env: Env, out: &mut dyn std::io::Write) -> Result<u8> {
    if let Some(lang) = cli.command.lang() {
        i18n::set_lang(lang);
    }
    match cli.command {
        Command::Check(args) => check(args, env, out),
        Command::Rules(args) => rules(args, env.width, out),
        Command::Completions { shell } => {
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut cli::Cli::command(), "reformcheck", &mut text);
            emit(out, &String::from_utf8_lossy(&text))?;
            Ok(0)
        }
        Command::Man { .. } => {
            emit(out, &man_page(env.help)?)?;
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
    let (pack, configured) = config::load(args.rules.as_deref(), &args.read)?;
    // --previous wins over the config file's [previous] for the same dataset.
    let given = |c: &String| {
        let name = c.split_once('=').map_or(c.as_str(), |(d, _)| d);
        args.previous
            .iter()
            .any(|a| a.split_once('=').is_some_and(|(d, _)| d.trim() == name))
    };
    let mut previous = args.previous.clone();
    previous.extend(configured.into_iter().filter(|c| !given(c)));
    for id in &args.explain {
        if !pack.rules.iter().any(|r| &r.id == id) {
            let ids = pack
                .rules
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            bail!(tr!(
                "--explain {id}：没有这条规则；reformcheck rules 可列出全部规则：{ids}",
                "--explain {id}: no such rule; `reformcheck rules` lists them: {ids}"
            ));
        }
    }
    if args.format == report::Format::Xlsx && env.terminal && !args.quiet {
        bail!(tr!(
            "Excel 报告不能显示在屏幕上：请加 -o 报告.xlsx 写入文件（或重定向到文件）",
            "an Excel report cannot be shown on the terminal: add -o report.xlsx (or redirect \
             standard output to a file)"
        ));
    }
    // Tables (--db) and aggregates (--aggregates) bind no files.
    let warehouse = args.db.is_some() || args.aggregates.is_some();
    let bindings = if warehouse {
        Vec::new()
    } else {
        input::bind(&args.inputs, &pack)?
    };
    // Every input is protected from the reports: data files, the pack, the
    // config file, previous rosters and an aggregates file.
    let config_file = config::in_use(&args.read);
    let mut inputs: Vec<&std::path::Path> = bindings.iter().map(|b| b.path.as_path()).collect();
    inputs.extend(args.rules.as_deref());
    inputs.extend(config_file.as_deref());
    inputs.extend(args.aggregates.as_deref());
    inputs.extend(
        previous
            .iter()
            .filter_map(|a| a.split_once('=').map(|(_, v)| std::path::Path::new(v)))
            .filter(|p| p.is_file()),
    );
    let outputs = output::plan(&args.output, &inputs)?;
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
        previous: previous_inputs(&previous, &pack)?,
        threads: args.read.threads(),
        part_bytes: args.read.part_bytes(),
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
        all_rules: args.all_rules,
        width: None,
    };
    // Each report streamed into its file (a long JSON is never held whole).
    let paths: Vec<std::path::PathBuf> = outputs.iter().map(|(p, _)| p.clone()).collect();
    output::write_each(&paths, |i, out| {
        outputs[i].1.renderer().write(&report, &file_opts, out)
    })?;
    if !args.quiet {
        let opts = report::RenderOptions {
            lang: args.lang,
            color: env.color && args.format == report::Format::Table,
            view: args.view,
            all_issues: args.all_issues,
            all_rules: args.all_rules,
            width: env.width,
        };
        ignore_broken_pipe(args.format.renderer().write(&report, &opts, out))?;
    }
    Ok(u8::from(report.fails(args.fail_on)))
}

/// Reads `--previous DATASET=FILE|SHARE`: an existing file is the previous
/// roster, otherwise the value must be a share such as `68.5%` or `206/300`.
fn previous_inputs(args: &[String], pack: &pack::Pack) -> Result<Vec<engine::PreviousInput>> {
    let mut out: Vec<engine::PreviousInput> = Vec::new();
    for arg in args {
        let Some((name, value)) = arg.split_once('=') else {
            bail!(tr!(
                "--previous {arg}：请写成 数据集=文件 或 数据集=比例，如 --previous delegates=上届名单.xlsx",
                "--previous {arg}: write DATASET=FILE or DATASET=SHARE, e.g. --previous delegates=old.xlsx"
            ));
        };
        let Some(dataset) = pack.dataset(name.trim()) else {
            let known: Vec<&str> = pack.datasets.iter().map(|d| d.name.as_str()).collect();
            let known = known.join(", ");
            bail!(tr!(
                "--previous {arg}：没有名为 {name} 的数据集（可用：{known}）",
                "--previous {arg}: no dataset named {name} (datasets: {known})"
            ));
        };
        if !pack
            .rules
            .iter()
            .any(|r| r.dataset == dataset && r.baseline.is_some())
        {
            bail!(tr!(
                "--previous {arg}：{name} 数据集没有与上届比较的规则，无需给出上届数据",
                "--previous {arg}: no rule of dataset {name} compares with a previous roster; leave it out"
            ));
        }
        if out.iter().any(|p| p.dataset == dataset) {
            bail!(tr!(
                "--previous：数据集 {name} 给了两次，每个数据集只能给一次",
                "--previous: dataset {name} is given twice; give it once"
            ));
        }
        let source = if std::path::Path::new(value).exists() || value == "-" {
            let mut bound = input::bind(std::slice::from_ref(arg), pack)?;
            match bound.pop() {
                Some(b) => engine::PreviousSource::File(b),
                None => bail!(tr!(
                    "--previous {arg}：读不到文件",
                    "--previous {arg}: cannot read the file"
                )),
            }
        } else {
            match num::parse_number(value).filter(|x| *x >= num::int(0) && *x <= num::int(1)) {
                Some(x) => engine::PreviousSource::Share(x),
                None => bail!(tr!(
                    "--previous {arg}：{value} 既不是已有的文件，也不是 0%–100% 之间的比例；请给出上届名单文件路径或比例（如 68.5%）",
                    "--previous {arg}: {value} is neither an existing file nor a share between 0% and 100%; give the previous roster's path or its share (e.g. 68.5%)"
                )),
            }
        };
        out.push(engine::PreviousInput { dataset, source });
    }
    Ok(out)
}

/// The man page: one page that documents every subcommand and flag (a
/// section per subcommand with its synopsis and options), rather than a page
/// per subcommand that `man reformcheck` would not show.
fn man_page(lang: Lang) -> Result<String> {
    let cmd = cli::command(lang);
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
    let page = String::from_utf8_lossy(&page).into_owned();
    if lang == Lang::En {
        return Ok(page);
    }
    // clap_mangen writes its section titles in English.
    Ok(page
        .lines()
        .map(|l| {
            let l = match l {
                ".SH NAME" => ".SH 名称",
                ".SH SYNOPSIS" => ".SH 用法",
                ".SS SYNOPSIS" => ".SS 用法",
                ".SS ARGUMENTS" => ".SS 参数",
                ".SH DESCRIPTION" => ".SH 说明",
                ".SS DESCRIPTION" => ".SS 说明",
                ".SH OPTIONS" => ".SH 选项",
                ".SS OPTIONS" => ".SS 选项",
                ".SH VERSION" => ".SH 版本",
                other => other,
            };
            format!("{l}\n")
        })
        .collect())
}

/// Writes output; a closed pipe (`reformcheck … | head`) is not an error.
/// A reader of standard output that stopped early (`| head`) is not an error.
pub(crate) fn ignore_broken_pipe(written: Result<()>) -> Result<()> {
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

fn rules(args: RulesArgs, width: Option<usize>, out: &mut dyn std::io::Write) -> Result<u8> {
    let pack = pack::Pack::load(args.rules.as_deref())?;
    let zh = args.lang == Lang::Zh;
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.set_content_arrangement(ContentArrangement::Dynamic);
    table.force_no_tty();
    if let Some(w) = width.and_then(|w| u16::try_from(w).ok()) {
        table.set_width(w);
    }
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
    emit(out, &report::width::fit(&text, width))?;
    Ok(0)
}
