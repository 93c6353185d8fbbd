//! The benchmark floor: reads a CSV file with the csv crate's `ByteRecord` and
//! counts its rows, doing nothing else. No CSV tool can be faster than this.
//!
//! cargo run --release --example csvfloor -- FILE

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: csvfloor FILE")?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(&path)?;
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    while reader.read_byte_record(&mut record)? {
        rows += 1;
    }
    println!("{rows}");
    Ok(())
}
