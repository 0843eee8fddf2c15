//! Dispatches the command line: runs the node or one of its subcommands.

use crate::{
	chain_spec,
	cli::{Cli, Subcommand},
	service,
};
use infera_runtime::opaque::Block;
#[cfg(feature = "runtime-benchmarks")]
use polkadot_sdk::frame_benchmarking_cli::{BenchmarkCmd, SUBSTRATE_REFERENCE_HARDWARE};
use polkadot_sdk::{
	sc_cli::SubstrateCli,
	sc_service::{Configuration, PartialComponents},
	*,
};

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"Infera Node".into()
	}

	fn impl_version() -> String {
		env!("SUBSTRATE_CLI_IMPL_VERSION").into()
	}

	fn description() -> String {
		env!("CARGO_PKG_DESCRIPTION").into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://example.invalid/infera/issues".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
		Ok(match id {
			"dev" => Box::new(chain_spec::development_chain_spec()?),
			"" | "local" => Box::new(chain_spec::local_chain_spec()?),
			path => {
				Box::new(chain_spec::ChainSpec::from_json_file(std::path::PathBuf::from(path))?)
			}
		})
	}
}

/// Runs `f` on the partial components of a node built from `config` (for the block tools).
macro_rules! with_partial {
	($cli:expr, $cmd:expr, |$config:ident, $parts:pat_param| $body:expr) => {{
		let runner = $cli.create_runner($cmd)?;
		runner.async_run(|$config| {
			let $parts = service::new_partial(&$config)?;
			Ok($body)
		})
	}};
}

/// Marketplace jobs store their inputs with offchain indexing, so every node must index:
/// providers read inputs from their node's offchain database.
fn with_marketplace_defaults(mut config: Configuration) -> Configuration {
	config.offchain_worker.indexing_enabled = true;
	config
}

/// Parses the command line and runs what it asks for.
pub fn run() -> sc_cli::Result<()> {
	let cli = Cli::from_args();

	match &cli.subcommand {
		Some(Subcommand::Key(cmd)) => cmd.run(&cli),
		Some(Subcommand::BuildSpec(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.chain_spec, config.network))
		}
		Some(Subcommand::CheckBlock(cmd)) => {
			with_partial!(cli, cmd, |_config,
			                         PartialComponents {
			                             client,
			                             task_manager,
			                             import_queue,
			                             ..
			                         }| (
				cmd.run(client, import_queue),
				task_manager
			))
		}
		Some(Subcommand::ExportBlocks(cmd)) => {
			with_partial!(cli, cmd, |config, PartialComponents { client, task_manager, .. }| (
				cmd.run(client, config.database),
				task_manager
			))
		}
		Some(Subcommand::ExportState(cmd)) => {
			with_partial!(cli, cmd, |config, PartialComponents { client, task_manager, .. }| (
				cmd.run(client, config.chain_spec),
				task_manager
			))
		}
		Some(Subcommand::ImportBlocks(cmd)) => {
			with_partial!(cli, cmd, |_config,
			                         PartialComponents {
			                             client,
			                             task_manager,
			                             import_queue,
			                             ..
			                         }| (
				cmd.run(client, import_queue),
				task_manager
			))
		}
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.database))
		}
		Some(Subcommand::Revert(cmd)) => {
			with_partial!(cli, cmd, |_config,
			                         PartialComponents {
			                             client, task_manager, backend, ..
			                         }| {
				let aux_revert =
					Box::new(|client: std::sync::Arc<service::FullClient>, backend, blocks| {
						sc_consensus_babe::revert(client.clone(), backend, blocks)?;
						sc_consensus_grandpa::revert(client, blocks)?;
						Ok(())
					});
				(cmd.run(client, backend, Some(aux_revert)), task_manager)
			})
		}
		#[cfg(feature = "runtime-benchmarks")]
		Some(Subcommand::Benchmark(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| match cmd {
				BenchmarkCmd::Pallet(cmd) => cmd
					.run_with_spec::<sp_runtime::traits::HashingFor<Block>, ()>(Some(
						config.chain_spec,
					)),
				BenchmarkCmd::Block(cmd) => {
					let PartialComponents { client, .. } = service::new_partial(&config)?;
					cmd.run(client)
				}
				BenchmarkCmd::Storage(cmd) => {
					let PartialComponents { client, backend, .. } = service::new_partial(&config)?;
					let db = backend.expose_db();
					let storage = backend.expose_storage();
					let shared_cache = backend.expose_shared_trie_cache();
					cmd.run(config, client, db, storage, shared_cache)
				}
				BenchmarkCmd::Machine(cmd) => {
					cmd.run(&config, SUBSTRATE_REFERENCE_HARDWARE.clone())
				}
				BenchmarkCmd::Overhead(_) | BenchmarkCmd::Extrinsic(_) => Err(
					"`benchmark overhead` and `benchmark extrinsic` are not offered by this node: \
						use `benchmark pallet` for extrinsic weights and `benchmark block` for block \
						execution"
						.into(),
				),
			})
		}
		Some(Subcommand::ChainInfo(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run::<Block>(&config))
		}
		None => {
			let runner = cli.create_runner(&cli.run)?;
			let marketplace = cli.marketplace.clone();
			runner.run_node_until_exit(|config| async move {
				let config = with_marketplace_defaults(config);
				match config.network.network_backend {
					sc_network::config::NetworkBackendType::Libp2p => service::new_full::<
						sc_network::NetworkWorker<
							Block,
							<Block as sp_runtime::traits::Block>::Hash,
						>,
					>(config, marketplace)
					.map_err(sc_cli::Error::Service),
					sc_network::config::NetworkBackendType::Litep2p => {
						service::new_full::<sc_network::Litep2pNetworkBackend>(config, marketplace)
							.map_err(sc_cli::Error::Service)
					}
				}
			})
		}
	}
}
