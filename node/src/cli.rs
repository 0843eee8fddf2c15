//! Command line of the node: the standard Substrate run flags plus the usual subcommands.

use polkadot_sdk::sc_cli;

/// Subcommands besides running the node.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect and insert keys into the keystore.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification.
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Benchmarks: `pallet`, `storage`, `block`, `machine`. Only in a node built with
	/// `--features runtime-benchmarks` (`scripts/benchmark.sh`), which keeps the benchmarking CLI
	/// and the relay-chain crates it pulls out of the default build.
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(polkadot_sdk::frame_benchmarking_cli::BenchmarkCmd),

	/// Database meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),
}

/// The node's command line.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// A subcommand; without one the node runs.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// Flags of a running node (`--dev`, `--chain`, `--base-path`, `--rpc-port`, ...).
	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	/// Flags of the marketplace.
	#[clap(flatten)]
	pub marketplace: MarketplaceParams,
}

/// Flags of a node that serves marketplace jobs as a provider.
#[derive(Debug, Clone, clap::Args)]
pub struct MarketplaceParams {
	/// URL of this provider's inference worker, called by the off-chain worker for every job
	/// assigned to a provider key in this node's keystore (key type `infr`).
	#[arg(long, value_name = "URL", default_value = pallet_provider_ocw::DEFAULT_WORKER_URL)]
	pub inference_worker_url: String,

	/// File holding the token the inference worker requires (its `--token-file`; `infera keys
	/// worker-token --out <file>` makes one). The off-chain worker sends it as `Authorization:
	/// Bearer <token>` on every call. Without it no token is sent.
	#[arg(long, value_name = "FILE")]
	pub inference_worker_token_file: Option<std::path::PathBuf>,
}
