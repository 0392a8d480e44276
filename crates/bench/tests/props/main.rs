//! Bounded property tests (the CI part of the fuzzing of issue 9; `fuzz/` holds the cargo-fuzz
//! targets for longer runs with nightly):
//! - `query`: the filter/query translator never panics on any JSON, and pushing a predicate down
//!   to Xano's pipe search plus evaluating the residual locally selects exactly the rows the
//!   predicate selects, under either reading of `|or`; against xano-sim too.
//! - `clients`: the config mergers never panic on arbitrary JSON and JSONC text (valid, broken,
//!   mutated) and never leave a file that does not parse.
//!
//! Case counts are small so `cargo test` stays quick; `PROPTEST_CASES=10000` runs them longer.

mod clients;
mod query;
mod sim;
