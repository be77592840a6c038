//! The parts of the `einv` binary that other crates link: reading invoice files ([`ingest`]:
//! JSON Lines and MIG XML) and the synthetic data set ([`synth`]) the generator feeds through
//! the same pipeline. The fuzz targets (`fuzz/`) call the parsers through here; the binary
//! (`main.rs`) uses them the same way.

pub mod ingest;
pub mod synth;
