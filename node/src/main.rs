//! Infera node: runs the inference-marketplace chain.

mod chain_spec;
mod cli;
mod command;
mod market_rpc;
mod rpc;
mod service;

fn main() -> polkadot_sdk::sc_cli::Result<()> {
	command::run()
}
