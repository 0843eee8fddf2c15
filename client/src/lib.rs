//! # Infera client
//!
//! Library and command-line client (`infera`) of the Infera marketplace chain, for every actor:
//! model authors (`model register/list/show`), providers (`provider register/show/unbond/
//! withdraw/offline/online`) and users (`job submit/show/wait`, `balance`).
//!
//! It uses subxt's **dynamic** API: calls are built from pallet and call names with
//! `scale_value::Value` arguments and storage is decoded into the small `DecodeAsType` structs of
//! [`chain`], which name only the fields they need. Nothing is generated from metadata at build
//! time, so the client builds without a node and keeps working when unrelated parts of the
//! runtime change; a renamed call or field is reported at run time with its name.
//!
//! - [`spec`]: command-line forms of tensor specs, agreement rules, amounts;
//! - [`chain`]: the connection ([`chain::Chain`]) with one method per action;
//! - [`cli`]: the clap command tree and [`cli::execute`], which runs a command and returns
//!   both a human-readable text and a JSON value (main.rs prints one of them).

pub mod chain;
pub mod cli;
pub mod governance;
pub mod input;
pub mod keys;
pub mod runtime;
pub mod spec;

pub use chain::{Chain, Client};

/// blake2-256 of `data` (model artifacts, job inputs).
pub fn blake2_256(data: &[u8]) -> [u8; 32] {
	sp_crypto_hashing::blake2_256(data)
}
