//! Integration tests: a real server on a free port, a real on-disk store, real HTTP.

mod bad_input;
mod browser;
mod caching;
mod cli;
mod clients;
mod competency;
mod conformance;
mod crash;
mod fuzz;
mod graphql;
mod helpers;
mod hostile;
mod linked_data;
mod ontology;
mod remote;
mod site;
mod soak;
mod validate;
