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
    Man,
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
    /// Reference date for ages and deadlines, e.g. the election date (default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write the report to FILE, in the format its extension names
    /// (.txt .json .csv .md .xml .html); repeat for several files.
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
}

/// How input files are read (check and validate).
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Encoding of CSV files (default: per file, a BOM, else UTF-8, else GB18030).
    #[arg(long, value_enum, value_name = "ENC")]
    pub encoding: Option<crate::input::encoding::Forced>,
    /// Sheet of workbooks given without a #SHEET suffix (default: the first sheet).
    #[arg(long, value_name = "SHEET")]
    pub sheet: Option<String>,
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
    /// File to write (default: CSV to standard output, .xlsx to DATASET.xlsx).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
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
            Command::Sql(a) => Some(a.lang),
            Command::Completions { .. } | Command::Man => None,
        }
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    crate::date::parse_full_date(s)
        .ok_or_else(|| format!("`{s}` is not a date: write it like 2017-06-30"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
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
