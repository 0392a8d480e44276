//! Integration tests of xano-sim over real loopback HTTP (one test binary, several areas).

mod common;
mod content;
mod faults;
mod history;
mod lifecycle;
mod schema;
mod scopes;
mod search;
mod shapes;
