//! Assembles the node: client, transaction pool, networking, BABE block authoring, GRANDPA
//! finality, off-chain workers and RPC.

use crate::cli::MarketplaceParams;
use futures::FutureExt;
use infera_runtime::{apis::RuntimeApi, opaque::Block};
use polkadot_sdk::{
	sc_client_api::{Backend, BlockBackend},
	sc_consensus_babe::{BabeBlockImport, BabeLink, BabeParams, ImportQueueParams, SlotProportion},
	sc_consensus_grandpa::SharedVoterState,
	sc_service::{error::Error as ServiceError, Configuration, TaskManager, WarpSyncConfig},
	sc_telemetry::{Telemetry, TelemetryWorker},
	sc_transaction_pool_api::OffchainTransactionPoolFactory,
	sp_core::offchain::OffchainStorage,
	sp_keystore::Keystore,
	sp_runtime::traits::Block as BlockT,
	*,
};
use std::{sync::Arc, time::Duration};

/// Host functions the runtime may call: Substrate's own.
#[cfg(not(feature = "runtime-benchmarks"))]
pub(crate) type HostFunctions = sp_io::SubstrateHostFunctions;
/// Host functions the runtime may call: Substrate's own, plus the benchmarking ones that a
/// runtime built with `runtime-benchmarks` imports, so a benchmarking node can also run a chain
/// (e.g. to build the state the storage benchmark reads).
#[cfg(feature = "runtime-benchmarks")]
pub(crate) type HostFunctions =
	(sp_io::SubstrateHostFunctions, frame_benchmarking::benchmarking::HostFunctions);

/// The node's client: executes the runtime's WASM blob.
pub(crate) type FullClient =
	sc_service::TFullClient<Block, RuntimeApi, sc_executor::WasmExecutor<HostFunctions>>;
type FullBackend = sc_service::TFullBackend<Block>;
type FullSelectChain = sc_consensus::LongestChain<FullBackend, Block>;

/// GRANDPA justifications are imported and generated at least this often (in blocks).
const GRANDPA_JUSTIFICATION_PERIOD: u32 = 512;

/// The inherents of a block: its BABE slot and its timestamp.
type SlotInherents =
	(sp_consensus_babe::inherents::InherentDataProvider, sp_timestamp::InherentDataProvider);

/// Creates [`SlotInherents`] for a block built (or checked) now.
type InherentsCreator = Arc<
	dyn sp_inherents::CreateInherentDataProviders<Block, (), InherentDataProviders = SlotInherents>,
>;

/// GRANDPA's block import (finality), wrapped by BABE's (slots, epochs, VRF checks).
type FullBlockImport = BabeBlockImport<
	Block,
	FullClient,
	sc_consensus_grandpa::GrandpaBlockImport<FullBackend, Block, FullClient, FullSelectChain>,
	InherentsCreator,
	FullSelectChain,
>;

/// Parts of the node shared by the full service and the block tools (import, export, revert).
pub type Service = sc_service::PartialComponents<
	FullClient,
	FullBackend,
	FullSelectChain,
	sc_consensus::DefaultImportQueue<Block>,
	sc_transaction_pool::TransactionPoolHandle<Block, FullClient>,
	(
		FullBlockImport,
		BabeLink<Block>,
		sc_consensus_grandpa::LinkHalf<Block, FullClient, FullSelectChain>,
		Option<Telemetry>,
	),
>;

/// Timestamp and BABE slot inherents for a block built now.
fn slot_inherents(slot_duration: sp_consensus_babe::SlotDuration) -> SlotInherents {
	let timestamp = sp_timestamp::InherentDataProvider::from_system_time();
	let slot = sp_consensus_babe::inherents::InherentDataProvider::from_timestamp_and_slot_duration(
		*timestamp,
		slot_duration,
	);
	(slot, timestamp)
}

/// An [`InherentsCreator`] for slots of `slot_duration`.
fn inherents_creator(slot_duration: sp_consensus_babe::SlotDuration) -> InherentsCreator {
	Arc::new(move |_parent, ()| async move { Ok(slot_inherents(slot_duration)) })
}

/// Builds the client, database, transaction pool and import queue.
pub fn new_partial(config: &Configuration) -> Result<Service, ServiceError> {
	let telemetry = config
		.telemetry_endpoints
		.clone()
		.filter(|x| !x.is_empty())
		.map(|endpoints| -> Result<_, sc_telemetry::Error> {
			let worker = TelemetryWorker::new(16)?;
			let telemetry = worker.handle().new_telemetry(endpoints);
			Ok((worker, telemetry))
		})
		.transpose()?;

	let executor = sc_service::new_wasm_executor::<HostFunctions>(&config.executor);
	let (client, backend, keystore_container, task_manager) =
		sc_service::new_full_parts::<Block, RuntimeApi, _>(
			config,
			telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
			executor,
			// Keep blocks that carry GRANDPA justifications: warp sync proofs are built from them.
			vec![Arc::new(sc_consensus_grandpa::GrandpaPruningFilter)],
		)?;
	let client = Arc::new(client);

	let telemetry = telemetry.map(|(worker, telemetry)| {
		task_manager.spawn_handle().spawn("telemetry", None, worker.run());
		telemetry
	});

	let select_chain = sc_consensus::LongestChain::new(backend.clone());

	let transaction_pool = Arc::from(
		sc_transaction_pool::Builder::new(
			task_manager.spawn_essential_handle(),
			client.clone(),
			config.role.is_authority().into(),
		)
		.with_options(config.transaction_pool.clone())
		.with_prometheus(config.prometheus_registry())
		.build(),
	);

	let (grandpa_block_import, grandpa_link) = sc_consensus_grandpa::block_import(
		client.clone(),
		GRANDPA_JUSTIFICATION_PERIOD,
		&client,
		select_chain.clone(),
		telemetry.as_ref().map(|x| x.handle()),
	)?;

	let babe_config = sc_consensus_babe::configuration(&*client)?;
	let slot_duration = babe_config.slot_duration();
	let (block_import, babe_link) = sc_consensus_babe::block_import(
		babe_config,
		grandpa_block_import.clone(),
		client.clone(),
		inherents_creator(slot_duration),
		select_chain.clone(),
		OffchainTransactionPoolFactory::new(transaction_pool.clone()),
	)?;

	let (import_queue, babe_worker) = sc_consensus_babe::import_queue(ImportQueueParams {
		link: babe_link.clone(),
		block_import: block_import.clone(),
		justification_import: Some(Box::new(grandpa_block_import)),
		client: client.clone(),
		slot_duration,
		spawner: &task_manager.spawn_essential_handle(),
		registry: config.prometheus_registry(),
		telemetry: telemetry.as_ref().map(|x| x.handle()),
	})?;
	// BABE's essential `babe-worker` task answers epoch requests for as long as a handle to it
	// exists: keep one for the life of the node's tasks.
	task_manager.spawn_handle().spawn("babe-worker-handle", None, async move {
		let _handle = babe_worker;
		std::future::pending::<()>().await
	});

	Ok(sc_service::PartialComponents {
		client,
		backend,
		task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (block_import, babe_link, grandpa_link, telemetry),
	})
}

/// The worker token of `--inference-worker-token-file` (surrounding whitespace removed), if
/// given.
fn worker_token(marketplace: &MarketplaceParams) -> Result<Option<String>, ServiceError> {
	let Some(file) = &marketplace.inference_worker_token_file else { return Ok(None) };
	let text = std::fs::read_to_string(file).map_err(|e| {
		ServiceError::Other(format!("--inference-worker-token-file {}: {e}", file.display()))
	})?;
	let token = text.trim();
	if token.is_empty() {
		return Err(ServiceError::Other(format!("{} holds no worker token", file.display())));
	}
	Ok(Some(token.to_string()))
}

/// Readies this node to serve jobs as a provider: tells the off-chain worker where the
/// inference worker listens and with which token (if any) and, on dev chains started with `--alice` & co, puts that dev
/// account's provider key (`infr`) in the keystore so the demo needs no manual step.
fn prepare_provider(
	config: &Configuration,
	backend: &FullBackend,
	keystore_container: &sc_service::KeystoreContainer,
	marketplace: &MarketplaceParams,
) -> Result<(), ServiceError> {
	if let Some(mut storage) = backend.offchain_storage() {
		// The off-chain worker reads it as a SCALE-encoded `Vec<u8>` (`StorageValueRef`).
		let url = marketplace.inference_worker_url.as_bytes().to_vec();
		storage.set(
			sp_offchain::STORAGE_PREFIX,
			pallet_provider_ocw::WORKER_URL_KEY,
			&sp_runtime::codec::Encode::encode(&url),
		);
		// Stored like the URL; removed when the flag is gone, so no stale token is sent.
		match worker_token(marketplace)? {
			Some(token) => storage.set(
				sp_offchain::STORAGE_PREFIX,
				pallet_provider_ocw::WORKER_TOKEN_KEY,
				&sp_runtime::codec::Encode::encode(&token.into_bytes()),
			),
			None => {
				storage.remove(sp_offchain::STORAGE_PREFIX, pallet_provider_ocw::WORKER_TOKEN_KEY)
			}
		}
	}
	if let Some(seed) = &config.dev_key_seed {
		keystore_container
			.keystore()
			.sr25519_generate_new(pallet_provider_ocw::crypto::KEY_TYPE, Some(seed))
			.map_err(|e| ServiceError::Other(format!("inserting the dev provider key: {e}")))?;
	}
	Ok(())
}

/// Builds and starts a full node (authoring and finalizing if it holds validator keys).
pub fn new_full<N: sc_network::NetworkBackend<Block, <Block as BlockT>::Hash>>(
	config: Configuration,
	marketplace: MarketplaceParams,
) -> Result<TaskManager, ServiceError> {
	let sc_service::PartialComponents {
		client,
		backend,
		mut task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (block_import, babe_link, grandpa_link, mut telemetry),
	} = new_partial(&config)?;

	let mut net_config = sc_network::config::FullNetworkConfiguration::<
		Block,
		<Block as BlockT>::Hash,
		N,
	>::new(&config.network, config.prometheus_registry().cloned());
	let metrics = N::register_notification_metrics(config.prometheus_registry());

	let peer_store_handle = net_config.peer_store_handle();
	let genesis_hash = client
		.block_hash(0)
		.ok()
		.flatten()
		.ok_or_else(|| ServiceError::Other("the genesis block is missing".into()))?;
	let grandpa_protocol_name =
		sc_consensus_grandpa::protocol_standard_name(&genesis_hash, &config.chain_spec);
	let (grandpa_protocol_config, grandpa_notification_service) =
		sc_consensus_grandpa::grandpa_peers_set_config::<_, N>(
			grandpa_protocol_name.clone(),
			metrics.clone(),
			peer_store_handle,
		);
	net_config.add_notification_protocol(grandpa_protocol_config);

	let warp_sync = Arc::new(sc_consensus_grandpa::warp_proof::NetworkProvider::new(
		backend.clone(),
		grandpa_link.shared_authority_set().clone(),
		Vec::default(),
	));

	let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
		sc_service::build_network(sc_service::BuildNetworkParams {
			config: &config,
			net_config,
			client: client.clone(),
			transaction_pool: transaction_pool.clone(),
			spawn_handle: task_manager.spawn_handle(),
			spawn_essential_handle: task_manager.spawn_essential_handle(),
			import_queue,
			block_announce_validator_builder: None,
			warp_sync_config: Some(WarpSyncConfig::WithProvider(warp_sync)),
			block_relay: None,
			metrics,
			gap_sync_body_policy: None,
		})?;

	prepare_provider(&config, &backend, &keystore_container, &marketplace)?;

	if config.offchain_worker.enabled {
		let offchain_workers =
			sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
				runtime_api_provider: client.clone(),
				is_validator: config.role.is_authority(),
				keystore: Some(keystore_container.keystore()),
				offchain_db: backend.offchain_storage(),
				transaction_pool: Some(OffchainTransactionPoolFactory::new(
					transaction_pool.clone(),
				)),
				network_provider: Arc::new(network.clone()),
				enable_http_requests: true,
				custom_extensions: |_| vec![],
			})?;
		task_manager.spawn_handle().spawn(
			"offchain-workers-runner",
			"offchain-worker",
			offchain_workers.run(client.clone(), task_manager.spawn_handle()).boxed(),
		);
	}

	let role = config.role;
	let force_authoring = config.force_authoring;
	let name = config.network.node_name.clone();
	let enable_grandpa = !config.disable_grandpa;
	let prometheus_registry = config.prometheus_registry().cloned();

	let rpc_extensions_builder = {
		let client = client.clone();
		let pool = transaction_pool.clone();

		Box::new(move |_| {
			let deps = crate::rpc::FullDeps { client: client.clone(), pool: pool.clone() };
			crate::rpc::create_full(deps).map_err(Into::into)
		})
	};

	sc_service::spawn_tasks(sc_service::SpawnTasksParams {
		network: Arc::new(network.clone()),
		client: client.clone(),
		keystore: keystore_container.keystore(),
		task_manager: &mut task_manager,
		transaction_pool: transaction_pool.clone(),
		rpc_builder: rpc_extensions_builder,
		backend,
		system_rpc_tx,
		tx_handler_controller,
		sync_service: sync_service.clone(),
		config,
		telemetry: telemetry.as_mut(),
		tracing_execute_block: None,
	})?;

	if role.is_authority() {
		let proposer_factory = sc_basic_authorship::ProposerFactory::new(
			task_manager.spawn_handle(),
			client.clone(),
			transaction_pool.clone(),
			prometheus_registry.as_ref(),
			telemetry.as_ref().map(|x| x.handle()),
		);

		let slot_duration = babe_link.config().slot_duration();
		let babe = sc_consensus_babe::start_babe(BabeParams {
			keystore: keystore_container.keystore(),
			client,
			select_chain,
			env: proposer_factory,
			block_import,
			sync_oracle: sync_service.clone(),
			justification_sync_link: sync_service.clone(),
			create_inherent_data_providers: move |_, ()| async move {
				Ok(slot_inherents(slot_duration))
			},
			force_authoring,
			backoff_authoring_blocks: Option::<()>::None,
			babe_link,
			block_proposal_slot_portion: SlotProportion::new(2f32 / 3f32),
			max_block_proposal_slot_portion: None,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
		})?;

		// Authoring is essential: if it fails, the node stops rather than silently not authoring.
		task_manager.spawn_essential_handle().spawn_blocking(
			"babe-proposer",
			Some("block-authoring"),
			babe,
		);
	}

	if enable_grandpa {
		// Only authorities vote, so only they need the keystore.
		let keystore = if role.is_authority() { Some(keystore_container.keystore()) } else { None };

		let grandpa_config = sc_consensus_grandpa::Config {
			gossip_duration: Duration::from_millis(333),
			justification_generation_period: GRANDPA_JUSTIFICATION_PERIOD,
			name: Some(name),
			observer_enabled: false,
			keystore,
			local_role: role,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			protocol_name: grandpa_protocol_name,
		};

		let grandpa_params = sc_consensus_grandpa::GrandpaParams {
			config: grandpa_config,
			link: grandpa_link,
			network,
			sync: Arc::new(sync_service),
			notification_service: grandpa_notification_service,
			voting_rule: sc_consensus_grandpa::VotingRulesBuilder::default().build(),
			prometheus_registry,
			shared_voter_state: SharedVoterState::empty(),
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			offchain_tx_pool_factory: OffchainTransactionPoolFactory::new(transaction_pool),
		};

		// The voter is essential too: a node that stops finalizing must not keep running.
		task_manager.spawn_essential_handle().spawn_blocking(
			"grandpa-voter",
			None,
			sc_consensus_grandpa::run_grandpa_voter(grandpa_params)?,
		);
	}

	Ok(task_manager)
}
