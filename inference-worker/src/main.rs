//! `infera-worker`: parses the configuration, wires the parts together, serves until SIGINT
//! or SIGTERM, then stops accepting requests and lets in-flight ones finish.

use clap::Parser;
use infera_worker::{
	api::{self, Api},
	attest::Attestor,
	auth,
	batcher::BatchConfig,
	config::Config,
	engine::{device_name, resolve_device, Engine, EngineConfig},
	fetch::FetchPolicy,
	metrics::Metrics,
	sandbox,
	store::ModelStore,
};
use std::{error::Error, io::Write, process::ExitCode, sync::Arc};

fn main() -> ExitCode {
	// A model's runner: no runtime, no flags, no logging setup (see `sandbox::runner`).
	if std::env::args_os().nth(1).is_some_and(|arg| arg == sandbox::RUNNER_ARG) {
		return sandbox::runner::main();
	}
	match tokio::runtime::Runtime::new() {
		Ok(runtime) => runtime.block_on(serve_main()),
		Err(e) => {
			eprintln!("infera-worker: cannot start the runtime: {e}");
			ExitCode::FAILURE
		}
	}
}

async fn serve_main() -> ExitCode {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env()
				.unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
		)
		.with_writer(std::io::stderr)
		.init();
	match run(Config::parse()).await {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("infera-worker: {e}");
			ExitCode::FAILURE
		}
	}
}

async fn run(config: Config) -> Result<(), Box<dyn Error>> {
	let device = resolve_device(config.device)?;
	let attestor = match &config.seed {
		Some(seed) => Attestor::from_suri(seed, "--seed")?,
		None => Attestor::from_key_file(&config.key_path())?,
	};
	let metrics = Arc::new(Metrics::new(&device_name(device))?);
	let store = ModelStore::new(&config.cache_dir, fetch_policy(&config)?)?;
	let token = match &config.token_file {
		Some(path) => Some(auth::load_token(path)?),
		None => {
			tracing::warn!(
				"--insecure-no-token: ANYONE who can reach {} can call every method (load \
				 models, run inference, get key proofs); pass --token-file (infera keys \
				 worker-token) instead",
				config.listen
			);
			None
		}
	};
	let engine_config = EngineConfig {
		device,
		threads: config.threads,
		batch: BatchConfig {
			max_batch: config.max_batch as usize,
			max_wait: config.max_wait(),
			queue_capacity: config.queue_capacity,
		},
		max_models: config.max_models,
		max_model_bytes: config.max_model_bytes,
		request_timeout: config.request_timeout(),
		faulty: config.faulty,
		isolation: config.isolation()?,
		skip_vetting: config.unsafe_skip_vetting,
	};
	let engine = Engine::new(store, engine_config, metrics.clone());
	let (public, ss58) = attestor.public_display();
	let api = Api::new(engine, attestor, metrics);
	for manifest in &config.preload {
		for (name, info) in api.preload(manifest).await? {
			tracing::info!("preloaded {name} ({}, rule {:?})", info.hash, info.spec.rule);
		}
	}
	let (addr, handle) = api::serve(config.listen, config.max_request_bytes, token, api).await?;
	// Scripts and tests read these two lines (the port may have been picked by the OS).
	println!("infera-worker listening on {addr}");
	println!("worker public key: {public} ({ss58})");
	std::io::stdout().flush()?;
	tracing::info!(
		"device {}, {} thread(s), max batch {}",
		device_name(device),
		config.threads,
		config.max_batch
	);
	if config.faulty {
		tracing::warn!("--faulty: every output is perturbed (tests only)");
	}
	if config.unsafe_skip_vetting {
		tracing::warn!("--unsafe-skip-vetting: model code is not vetted (tests only)");
	}
	if config.isolation == infera_worker::config::IsolationChoice::InProcess {
		sandbox::runner::keep_freed_memory();
		tracing::warn!(
			"--isolation in-process: models run inside the worker, next to its key and network"
		);
	}
	shutdown_signal().await?;
	tracing::info!("shutting down");
	handle.stop()?;
	handle.stopped().await;
	Ok(())
}

/// The fetch policy of the flags: `--artifact-dir`s plus the directories of `--preload`
/// manifests (their `file://` URIs point there), `--allow-private-fetch`, the size cap and the
/// timeouts.
fn fetch_policy(config: &Config) -> std::io::Result<FetchPolicy> {
	let mut policy = FetchPolicy::new(
		&config.artifact_dirs,
		config.max_model_bytes,
		config.fetch_connect_timeout(),
		config.fetch_timeout(),
	)?;
	policy.allow_private = config.allow_private_fetch;
	for manifest in &config.preload {
		let dir = std::path::absolute(manifest)?.parent().map(std::path::Path::to_path_buf);
		policy.allow_dir(&dir.unwrap_or_default())?;
	}
	if config.allow_private_fetch {
		tracing::warn!(
			"--allow-private-fetch: model URIs may reach loopback and private addresses"
		);
	}
	Ok(policy)
}

/// Resolves on the first SIGINT or SIGTERM.
async fn shutdown_signal() -> std::io::Result<()> {
	let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
	tokio::select! {
		result = tokio::signal::ctrl_c() => result,
		_ = term.recv() => Ok(()),
	}
}
