//! `infera-worker`: parses the configuration, wires the parts together, serves until SIGINT
//! or SIGTERM, then stops accepting requests and lets in-flight ones finish.

use clap::Parser;
use infera_worker::{
	api::{self, Api},
	attest::Attestor,
	batcher::BatchConfig,
	config::Config,
	engine::{device_name, resolve_device, Engine, EngineConfig},
	metrics::Metrics,
	store::ModelStore,
};
use std::{error::Error, io::Write, process::ExitCode, sync::Arc};

#[tokio::main]
async fn main() -> ExitCode {
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
	let store = ModelStore::new(&config.cache_dir, config.max_model_bytes, config.fetch_timeout())?;
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
	};
	let engine = Engine::new(store, engine_config, metrics.clone());
	let (public, ss58) = attestor.public_display();
	let api = Api::new(engine, attestor, metrics);
	for manifest in &config.preload {
		for (name, info) in api.preload(manifest).await? {
			tracing::info!("preloaded {name} ({}, rule {:?})", info.hash, info.spec.rule);
		}
	}
	let (addr, handle) = api::serve(config.listen, config.max_request_bytes, api).await?;
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
	shutdown_signal().await?;
	tracing::info!("shutting down");
	handle.stop()?;
	handle.stopped().await;
	Ok(())
}

/// Resolves on the first SIGINT or SIGTERM.
async fn shutdown_signal() -> std::io::Result<()> {
	let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
	tokio::select! {
		result = tokio::signal::ctrl_c() => result,
		_ = term.recv() => Ok(()),
	}
}
