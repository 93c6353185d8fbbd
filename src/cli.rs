//! Every command-line flag, in one place.

use crate::report::{FailOn, Format, View};
use crate::Lang;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Check rosters and statistics against the quantitative targets of a reform plan.
#[derive(Debug, Parser)]
#[command(name = "reformcheck", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check input files against every rule of the pack.
    Check(CheckArgs),
    /// List the pack's rules (id, clause, target, dataset).
    Rules(RulesArgs),
    /// Read input files and report data issues, without evaluating targets.
    Validate(ValidateArgs),
    /// Write an empty input file with a dataset's headers and an example row.
    Template(TemplateArgs),
    /// Print a shell completion script (e.g. `reformcheck completions bash > /etc/bash_completion.d/reformcheck`).
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `reformcheck man > reformcheck.1`.
    Man {
        /// Language of the page (default: from LANG; Chinese when it starts with zh).
        #[arg(long, value_enum)]
        lang: Option<Lang>,
    },
    /// Print the SQL query that computes every rule's aggregates inside a database
    /// (PostgreSQL or Spark SQL); `check --db` runs it, `check --aggregates` reads its result.
    Sql(SqlArgs),
}

#[derive(Debug, Args)]
pub struct SqlArgs {
    /// SQL dialect to write.
    #[arg(long, value_enum)]
    pub dialect: crate::warehouse::Dialect,
    /// Rule pack to use (default: the embedded Taizhou pack).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// DATASET=TABLE or DATASET=SCHEMA.TABLE (repeatable); without any, every dataset
    /// is read from the table of its own name.
    #[arg(long, value_name = "DATASET=TABLE")]
    pub table: Vec<String>,
    /// Reference date for ages and expiry dates, fixed in the query (default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Language of errors.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// NAME=PATH, a PATH whose file stem is a dataset name, or a directory of such files;
    /// NAME=- reads standard input.
    #[arg(required_unless_present_any = ["db", "aggregates"], value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Check tables in a PostgreSQL database instead of files:
    /// postgresql://USER@HOST:PORT/DB, or host=/socket/dir dbname=DB.
    #[arg(long, value_name = "URL", conflicts_with_all = ["inputs", "aggregates"])]
    pub db: Option<String>,
    /// With --db: DATASET=TABLE or DATASET=SCHEMA.TABLE (repeatable); without any, each
    /// dataset is read from the table of its own name, if there is one.
    #[arg(long, value_name = "DATASET=TABLE", requires = "db")]
    pub table: Vec<String>,
    /// Render the report from the result of `reformcheck sql` saved as CSV by another
    /// engine (Spark SQL, Hive, …).
    #[arg(long, value_name = "FILE", conflicts_with = "inputs")]
    pub aggregates: Option<PathBuf>,
    /// Rule pack to use (default: the embedded Taizhou pack).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Reference date for ages and for the deadlines of undated rosters, e.g. the election
    /// date (default: today); files with a year column are judged by their year.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write the report to FILE, in the format its extension names
    /// (.txt .json .csv .md .xml .html .xlsx); repeat for several files.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Layout of table, markdown and html: one line per result, or groups × rules.
    #[arg(long, value_enum, default_value_t = View::List)]
    pub view: View,
    /// List the rows that do not meet RULE or are unknown (repeatable).
    #[arg(long, value_name = "RULE")]
    pub explain: Vec<String>,
    /// List up to N such rows for every rule (--explain alone lists up to 100).
    #[arg(long, value_name = "N")]
    pub show_failing: Option<usize>,
    /// Which unmet results make exit code 1.
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Print nothing on standard output and draw no progress bar; only the exit code tells (files from --output are still written).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Language of the report.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Which year of a multi-year statistics file to check (default: the latest).
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i64>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// List every data issue in the table, not only the first 20.
    #[arg(long)]
    pub all_issues: bool,
    /// List every rule in table, markdown and html, also those whose data were not given
    /// (otherwise one line counts them).
    #[arg(long)]
    pub all_rules: bool,
    /// The previous congress for rules measured against it: DATASET=FILE (the
    /// previous roster) or DATASET=SHARE (e.g. delegates=68.5%); repeatable.
    #[arg(long, value_name = "DATASET=FILE|SHARE")]
    pub previous: Vec<String>,
}

/// How input files are read (check and validate).
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Encoding of CSV files (default: per file, a BOM, else UTF-8, else GB18030).
    #[arg(long, value_enum, value_name = "ENC")]
    pub encoding: Option<crate::input::encoding::Forced>,
    /// Sheet of workbooks given without a #SHEET suffix (default: the first visible sheet).
    #[arg(long, value_name = "SHEET")]
    pub sheet: Option<String>,
    /// Read the file header HEADER as COLUMN, a column name or a header the pack
    /// knows (repeatable), e.g. --map 单位类别=单位类型.
    #[arg(long = "map", value_name = "HEADER=COLUMN")]
    pub map: Vec<String>,
    /// Header mappings and value synonyms (default: reformcheck.toml in the
    /// current folder, if there is one).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Threads reading each CSV file (default: one per core). Results are
    /// the same for every number; standard input, GBK files and workbooks
    /// are read by one.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// For tests: the size in bytes of the parts a file is read in.
    #[arg(long, value_name = "BYTES", hide = true)]
    pub part_bytes: Option<u64>,
}

/// `--threads N`: a whole number, at least 1.
fn parse_threads(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(crate::tr!(
            "“{}”不是有效的线程数：请写 1 或更大的整数（不写则每个 CPU 核一个线程）",
            "`{}` is not a number of threads: write a whole number of 1 or more (leave it out for one per core)",
            text
        )),
    }
}

impl ReadArgs {
    /// `--threads`, or one per core.
    pub fn threads(&self) -> usize {
        self.threads
            .unwrap_or_else(crate::input::ReadOptions::default_threads)
    }

    pub fn part_bytes(&self) -> u64 {
        self.part_bytes.unwrap_or(crate::input::PART_BYTES)
    }
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// NAME=PATH, a PATH whose file stem is a dataset name, or a directory of such files.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Rule pack whose datasets to check against (default: the embedded Taizhou pack).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Reference date for expiry dates such as a rating's (default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Language of the report.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    #[command(flatten)]
    pub read: ReadArgs,
    /// List every data issue in the table, not only the first 20.
    #[arg(long)]
    pub all_issues: bool,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// The dataset (`reformcheck rules` lists them), e.g. delegates.
    #[arg(value_name = "DATASET")]
    pub dataset: String,
    /// Rule pack defining the dataset (default: the embedded Taizhou pack).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Language of the headers: zh gives the Chinese headers, en the canonical names.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Write an Excel workbook instead of CSV.
    #[arg(long)]
    pub xlsx: bool,
    /// File to write, in the format its extension names (.xlsx or .csv; default: CSV to
    /// standard output, with --xlsx DATASET.xlsx).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace FILE even if it is not an untouched template (it may hold a filled roster).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Rule pack to list (default: the embedded Taizhou pack).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Language of the listing.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
}

impl Command {
    /// The `--lang` this command was given, if it takes one.
    pub fn lang(&self) -> Option<Lang> {
        match self {
            Command::Check(a) => Some(a.lang),
            Command::Validate(a) => Some(a.lang),
            Command::Rules(a) => Some(a.lang),
            Command::Template(a) => Some(a.lang),
            Command::Man { lang } => *lang,
            Command::Sql(a) => Some(a.lang),
            Command::Completions { .. } => None,
        }
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    crate::date::parse_full_date(s).ok_or_else(|| {
        crate::tr!(
            "“{s}”不是有效日期，请写成 2017-06-30 或 2017年6月30日",
            "`{s}` is not a date: write it like 2017-06-30"
        )
    })
}

/// The language `--lang` asks for on the raw command line, read before
/// parsing so that help and parse errors can already use it.
pub fn lang_in_args(args: &[std::ffi::OsString]) -> Option<Lang> {
    let mut it = args.iter().map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        let value = match a.strip_prefix("--lang") {
            Some("") => it.next().map(|v| v.into_owned()),
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => None,
        };
        match value.as_deref() {
            Some("zh") => return Some(Lang::Zh),
            Some("en") => return Some(Lang::En),
            _ => {}
        }
    }
    None
}

/// The command-line definition in `lang`: English from the doc comments,
/// or every about and help text replaced from [`ZH`].
pub fn command(lang: Lang) -> clap::Command {
    use clap::CommandFactory;
    let cmd = Cli::command();
    if lang == Lang::En {
        return cmd;
    }
    let cmd = localize(cmd, "")
        .about("按改革方案的量化目标检查名册和统计表")
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_subcommand(true);
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    subs.iter().fold(cmd, |cmd, name| {
        cmd.mut_subcommand(name, |sub| localize(sub, name))
    })
}

/// Replaces one command's about and its arguments' help with Chinese.
fn localize(cmd: clap::Command, name: &str) -> clap::Command {
    let mut cmd = cmd
        .help_template("{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}")
        .next_help_heading("选项")
        .disable_help_flag(true)
        .disable_version_flag(true)
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .action(clap::ArgAction::Help)
                .help("显示帮助")
                .help_heading("选项"),
        );
    if name.is_empty() {
        cmd = cmd.arg(
            clap::Arg::new("version")
                .short('V')
                .long("version")
                .action(clap::ArgAction::Version)
                .help("显示版本")
                .help_heading("选项"),
        );
    }
    if let Some((_, about)) = ZH_ABOUT.iter().find(|(n, _)| *n == name) {
        cmd = cmd.about(*about).long_about(None);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let text = [name, ""]
            .iter()
            .find_map(|want| ZH.iter().find(|(n, i, _)| *i == id && n == want))
            .map(|(_, _, t)| *t);
        cmd = cmd.mut_arg(&id, |a| {
            let heading = if a.is_positional() {
                "参数"
            } else {
                "选项"
            };
            let a = a.help_heading(heading);
            match text {
                // The values and defaults are in the Chinese text.
                Some(t) if a.get_action().takes_values() => a
                    .help(t)
                    .long_help(None)
                    .hide_possible_values(true)
                    .hide_default_value(true),
                Some(t) => a.help(t).long_help(None),
                None => a,
            }
        });
    }
    cmd
}

/// What each subcommand does, in Chinese.
const ZH_ABOUT: &[(&str, &str)] = &[
    ("check", "按规则包的每条规则检查输入文件"),
    ("rules", "列出规则包的规则（编号、条款、目标、数据集）"),
    ("validate", "只读取输入文件并报告数据问题，不判定目标"),
    ("template", "生成带表头和示例行的空白填报文件"),
    (
        "completions",
        "输出命令补全脚本（如 reformcheck completions bash > /etc/bash_completion.d/reformcheck）",
    ),
    (
        "man",
        "输出 man 手册页（roff），如 reformcheck man > reformcheck.1",
    ),
    (
        "sql",
        "打印在数据库中计算每条规则聚合结果的 SQL 查询（PostgreSQL 或 Spark SQL）；check --db 直接运行它，check --aggregates 读取它的结果",
    ),
];

/// Chinese help per (subcommand, argument id); an empty subcommand applies
/// to every subcommand without its own entry.
const ZH: &[(&str, &str, &str)] = &[
    ("", "inputs", "NAME=PATH（如 delegates=名单.csv）、文件名即数据集名的文件，或存放这些文件的文件夹；NAME=- 读标准输入"),
    ("check", "rules", "使用的规则包（默认：内置泰州规则包）"),
    ("sql", "rules", "使用的规则包（默认：内置泰州规则包）"),
    ("check", "db", "检查 PostgreSQL 数据库中的表而不是文件：postgresql://用户@主机:端口/库名，或 host=/套接字目录 dbname=库名"),
    ("check", "table", "与 --db 同用：数据集=表名 或 数据集=模式.表名（可重复）；不写时每个数据集读与它同名的表（如有）"),
    ("sql", "table", "数据集=表名 或 数据集=模式.表名（可重复）；不写时每个数据集读与它同名的表"),
    ("check", "aggregates", "从其他引擎（Spark SQL、Hive 等）把 reformcheck sql 的结果存成的 CSV 文件出报告"),
    ("sql", "dialect", "SQL 方言：postgres 或 spark"),
    ("sql", "as_of", "计算年龄和有效期的基准日期，写入查询（默认：今天）"),
    ("validate", "rules", "按哪个规则包的数据集检查（默认：内置泰州规则包）"),
    ("rules", "rules", "要列出的规则包（默认：内置泰州规则包）"),
    ("template", "rules", "定义该数据集的规则包（默认：内置泰州规则包）"),
    ("check", "as_of", "计算年龄和期限的基准日期，如换届选举日（默认：今天），写作 2017-06-30 或 2017年6月30日"),
    ("validate", "as_of", "判断评估等级等是否过期的基准日期（默认：今天）"),
    ("check", "format", "标准输出的格式：table 表格（默认）、json、csv、markdown、junit、html、xlsx（Excel，须重定向到文件）"),
    ("validate", "format", "输出格式：table 表格（默认）、json 等"),
    ("check", "output", "同时把报告写入文件，格式由扩展名决定（.txt .json .csv .md .xml .html .xlsx）；可重复给出"),
    ("template", "output", "写入的文件，格式由扩展名决定（.xlsx 或 .csv；默认：CSV 输出到屏幕，加 --xlsx 时写 数据集名.xlsx）"),
    ("", "view", "表格、markdown、html 的布局：list 每条结果一行（默认），matrix 分组为行、规则为列"),
    ("", "explain", "列出不符合规则 RULE 或无法判断的记录（可重复）"),
    ("", "show_failing", "每条规则最多列出 N 条这样的记录（仅 --explain 时最多 100 条）"),
    ("", "fail_on", "哪些未达标结果使退出码为 1：error（默认，强制性指标）、warning（含提示性指标）、never（从不）"),
    ("", "quiet", "标准输出不打印任何内容、不显示进度条，只看退出码（--output 的文件照常写入）"),
    ("", "lang", "语言：zh 中文（默认），en 英文"),
    ("template", "lang", "表头语言：zh 中文表头（默认），en 英文列名"),
    ("man", "lang", "手册页的语言：zh 中文，en 英文（默认按 LANG 环境变量）"),
    ("", "year", "多年度统计表检查哪一年（默认：最新一年）"),
    ("", "encoding", "CSV 文件的编码（默认：逐个文件判断：有 BOM 按 BOM，否则 UTF-8，再否则 GB18030）"),
    ("", "sheet", "工作簿未写 #工作表名 时读取的工作表（默认：第一张可见的工作表）"),
    ("", "all_issues", "列出全部数据问题，而不只是前 20 条"),
    ("", "all_rules", "在表格、markdown 和 html 中逐条列出未提供数据的规则（默认只写一行合计）"),
    ("", "dataset", "数据集名（reformcheck rules 可查），如 delegates"),
    ("", "xlsx", "生成 Excel 工作簿而不是 CSV"),
    ("", "force", "即使文件已填写内容也覆盖（可能是已填好的名册，慎用）"),
    ("", "shell", "补全脚本所用的 shell"),
    ("", "previous", "上届情况，供与上届比较的规则使用：数据集=上届名单文件，或数据集=比例（如 delegates=68.5%）；可重复给出"),
    ("", "map", "把文件表头 HEADER 当作列 COLUMN 读取（COLUMN 为列名或规则包认识的表头；可重复），如 --map 单位类别=单位类型"),
    ("", "threads", "每个 CSV 文件用几个线程读取（默认：每个 CPU 核一个）；线程数不同，报告完全相同"),
    ("", "part_bytes", "测试用：分段读取文件时每段的字节数"),
    ("", "config", "表头对应和取值同义词的配置文件（默认：当前文件夹中的 reformcheck.toml，如有）"),
];

/// A parse error in Chinese: clap's own messages are English only, so the
/// common kinds are written here from the error's context; help and
/// version requests pass through.
pub fn error_text(err: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let get = |k: ContextKind| match err.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = get(ContextKind::InvalidArg);
    let value = get(ContextKind::InvalidValue);
    let suggested = match get(ContextKind::SuggestedArg) {
        s if s.is_empty() => match get(ContextKind::SuggestedSubcommand) {
            s if s.is_empty() => String::new(),
            s => format!("；是不是“{s}”？"),
        },
        s => format!("；是不是“{s}”？"),
    };
    let text = match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => return None,
        ErrorKind::UnknownArgument => format!("不认识的参数“{arg}”{suggested}"),
        ErrorKind::InvalidSubcommand => format!(
            "没有子命令“{}”{suggested}",
            get(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::InvalidValue => {
            let valid = get(ContextKind::ValidValue);
            if value.is_empty() {
                format!("参数 {arg} 缺少值")
            } else {
                format!("参数 {arg} 的值“{value}”无效，可用的值：{valid}{suggested}")
            }
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(err)
                .map(|e| e.to_string())
                .unwrap_or_default();
            format!("参数 {arg} 的值“{value}”无效：{why}")
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "缺少子命令：check、rules、validate、template、completions 或 man".to_string()
        }
        ErrorKind::ArgumentConflict => {
            format!("参数 {arg} 不能与 {} 同时使用", get(ContextKind::PriorArg))
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("参数 {arg} 的值个数不对")
        }
        ErrorKind::NoEquals => format!("参数 {arg} 要写成 {arg}=值"),
        _ => format!("命令行参数有误：{}", err.kind()),
    };
    let usage = get(ContextKind::Usage)
        .trim()
        .trim_start_matches("Usage:")
        .trim()
        .to_string();
    let usage = if usage.is_empty() {
        String::new()
    } else {
        format!("\n\n用法：{usage}")
    };
    Some(format!("错误：{text}{usage}\n\n加 --help 查看帮助。\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
        command(Lang::Zh).debug_assert();
    }

    /// Every argument of every subcommand has a Chinese help text.
    #[test]
    fn chinese_help_covers_every_argument() {
        let cmd = command(Lang::Zh);
        for sub in cmd.get_subcommands() {
            assert!(
                ZH_ABOUT.iter().any(|(n, _)| *n == sub.get_name()),
                "{}",
                sub.get_name()
            );
            for a in sub.get_arguments() {
                let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
                assert!(
                    help.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{} --{}: {help}",
                    sub.get_name(),
                    a.get_id()
                );
            }
        }
    }

    #[test]
    fn lang_is_found_before_parsing() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(
            lang_in_args(&args(&["r", "check", "--lang", "en"])),
            Some(Lang::En)
        );
        assert_eq!(
            lang_in_args(&args(&["r", "check", "--lang=zh"])),
            Some(Lang::Zh)
        );
        assert_eq!(lang_in_args(&args(&["r", "check", "x"])), None);
    }

    #[test]
    fn as_of_accepts_chinese_dates() {
        let cli =
            Cli::try_parse_from(["reformcheck", "check", "x", "--as-of", "2017年6月30日"]).unwrap();
        let Command::Check(args) = cli.command else {
            panic!("not check")
        };
        assert_eq!(args.as_of, NaiveDate::from_ymd_opt(2017, 6, 30));
        assert!(
            Cli::try_parse_from(["reformcheck", "check", "x", "--as-of", "2017-02-30"]).is_err()
        );
    }
}
