//! Development tool, not a user command: writes large invented `delegates.csv`
//! and `society_council.csv` files for benchmarks, and prints (as JSON) the
//! exact counts `reformcheck check --as-of AS_OF` must find in them.
//!
//! cargo run --release --example gendata -- --rows 1000000 --out target/bench-data

use clap::Parser;
use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

#[path = "../benches/support/gen.rs"]
mod gen;

/// Writes N-row delegates and society_council files (invented data).
#[derive(Parser)]
struct Args {
    /// Rows per file.
    #[arg(long, default_value_t = 1_000_000)]
    rows: u64,
    /// Seed: the same seed and row count give the same files, byte for byte.
    #[arg(long, default_value_t = 20170324)]
    seed: u64,
    /// Directory to write into (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Number of societies council members are spread over.
    #[arg(long, default_value_t = 120)]
    societies: usize,
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let mut cfg = gen::Config::new(args.rows, args.seed);
    cfg.societies = args.societies;
    std::fs::create_dir_all(&args.out)?;
    let create = |name: &str| {
        File::create(args.out.join(name)).map(|f| BufWriter::with_capacity(1 << 20, f))
    };
    let delegates = gen::generate_delegates(&cfg, create("delegates.csv")?)?;
    let council = gen::generate_council(&cfg, create("society_council.csv")?)?;
    let summary = serde_json::json!({
        "as_of": cfg.as_of.to_string(),
        "seed": cfg.seed,
        "delegates": delegates,
        "society_council": council,
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&summary).map_err(std::io::Error::other)?
    );
    Ok(())
}
