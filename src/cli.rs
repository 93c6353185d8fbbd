//! Every command-line flag, in one place.

use crate::report::Format;
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
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// NAME=PATH, a PATH whose file stem is a dataset name, or a directory of such files.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Rule pack to use (default: the embedded Taizhou pack).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Reference date for ages and deadlines, e.g. the election date (default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Language of the report.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Which year of a multi-year statistics file to check (default: the latest).
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i64>,
    /// Show no progress bar (one is shown on a terminal while large files are read).
    #[arg(long, short)]
    pub quiet: bool,
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
