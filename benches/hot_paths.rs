//! Micro-benchmarks of the per-cell and per-row hot paths, so that a
//! regression is visible: `cargo bench --bench hot_paths`.
//!
//! `engine/*` checks a generated 100,000-row file end to end next to the
//! floor (the csv crate reading the same file), as BENCHMARKS.md does at scale.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use reformcheck::engine::condition::Truth;
use reformcheck::engine::{ratio::Ratio, share::Share};
use reformcheck::input::value::{parse, Value};
use reformcheck::pack::schema::ColumnType;
use std::hint::black_box;

#[path = "support/gen.rs"]
mod gen;

fn values(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    let cases: &[(&str, ColumnType, &str)] = &[
        ("date_iso", ColumnType::Date, "1980-05-12"),
        ("date_chinese", ColumnType::Date, "1980年5月12日"),
        ("date_compact", ColumnType::Date, "19800512"),
        ("date_month_only", ColumnType::Date, "1980.05"),
        ("date_fullwidth", ColumnType::Date, "１９８０-０５-１２"),
        ("bool_shi", ColumnType::Bool, "是"),
        ("bool_check", ColumnType::Bool, "√"),
        ("bool_yes", ColumnType::Bool, "Yes"),
        ("int", ColumnType::Int, "1234"),
        ("int_thousands", ColumnType::Int, "1,234,567"),
        ("number_decimal", ColumnType::Number, "1200000.00"),
        (
            "number_40_digits",
            ColumnType::Number,
            "1234567890123456789012345678901234567890",
        ),
        ("rate_percent", ColumnType::Rate, "15.3%"),
        ("rating", ColumnType::Rating, "3A级"),
    ];
    for &(name, kind, text) in cases {
        assert!(parse(kind, text).is_ok(), "{name}");
        g.bench_function(name, |b| b.iter(|| parse(kind, black_box(text))));
    }
    g.bench_function("text", |b| {
        b.iter(|| parse(ColumnType::Text, black_box("泰州市生物医药学会")))
    });
    g.finish();
}

fn accumulators(c: &mut Criterion) {
    let mut g = c.benchmark_group("accumulate");
    let truths = [Truth::True, Truth::False, Truth::True, Truth::Unknown];
    g.bench_function("share_add", |b| {
        let mut share = Share::default();
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % truths.len();
            share.add(black_box(Truth::True), black_box(truths[i]));
        });
        black_box(share.finish());
    });
    let num = Some(Value::Num(reformcheck::num::int(37)));
    let den = Some(Value::Num(reformcheck::num::int(41)));
    g.bench_function("ratio_add_integers", |b| {
        let mut ratio = Ratio::new(true);
        b.iter(|| ratio.add(true, black_box(&num), black_box(&den)));
        black_box(ratio.finish());
    });
    g.finish();
}

fn engine(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let cfg = gen::Config::new(100_000, 1);
    let path = dir.path().join("delegates.csv");
    let file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let counts = gen::generate_delegates(&cfg, file).unwrap();
    let pack = reformcheck::pack::Pack::embedded().unwrap();
    let bindings = reformcheck::input::bind(&[path.display().to_string()], &pack).unwrap();
    let opts = reformcheck::engine::CheckOptions {
        as_of: cfg.as_of,
        year: None,
        lang: reformcheck::Lang::Zh,
        explain: Default::default(),
        encoding: None,
        sheet: None,
        previous: Vec::new(),
        threads: 1,
        part_bytes: reformcheck::input::PART_BYTES,
    };
    let mut g = c.benchmark_group("engine");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(counts.bytes));
    g.bench_function("floor_csv_100k_rows", |b| {
        b.iter(|| {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_path(&path)
                .unwrap();
            let mut record = csv::ByteRecord::new();
            let mut rows = 0u64;
            while reader.read_byte_record(&mut record).unwrap() {
                rows += 1;
            }
            rows
        })
    });
    g.bench_function("check_delegates_100k_rows", |b| {
        b.iter(|| reformcheck::engine::check(&pack, &bindings, &opts).unwrap())
    });
    g.finish();
}

criterion_group!(benches, values, accumulators, engine);
criterion_main!(benches);
