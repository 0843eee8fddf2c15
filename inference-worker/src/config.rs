//! Command-line flags, each also settable through an `INFERA_WORKER_*` environment variable.

use clap::{Parser, ValueEnum};
use std::{net::SocketAddr, path::PathBuf, time::Duration};

/// Where models run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DeviceChoice {
	/// CUDA device 0 when libtorch sees one, else the CPU.
	Auto,
	/// Always the CPU.
	Cpu,
	/// CUDA device 0; refuses to start without one.
	Cuda,
}

/// Where models run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum IsolationChoice {
	/// Each model in its own confined runner process (see the worker README).
	Process,
	/// In the worker's own process, next to its key: only to measure the sandbox's cost or on
	/// a platform without it.
	InProcess,
}

/// Configuration of the inference worker.
#[derive(Clone, Debug, Parser)]
#[command(name = "infera-worker", version, about)]
pub struct Config {
	/// Address of the JSON-RPC server (HTTP and WebSocket on one port; `GET /metrics` serves
	/// Prometheus text). Port 0 picks a free port; the bound address is printed on stdout.
	#[arg(long, env = "INFERA_WORKER_LISTEN", default_value = "127.0.0.1:9960")]
	pub listen: SocketAddr,

	/// Directory of verified artifacts, `<blake2-256 hex>.pt`; created if missing.
	#[arg(long, env = "INFERA_WORKER_CACHE_DIR", default_value = "worker-cache")]
	pub cache_dir: PathBuf,

	/// Bound on the total artifact bytes of loaded models (least recently used ones are
	/// unloaded beyond it); also the largest artifact accepted.
	#[arg(long, env = "INFERA_WORKER_MAX_MODEL_BYTES", default_value_t = 1 << 30)]
	pub max_model_bytes: u64,

	/// Most models loaded at once (least recently used ones are unloaded beyond it).
	#[arg(long, env = "INFERA_WORKER_MAX_MODELS", default_value_t = 8)]
	pub max_models: usize,

	/// Largest batch a model runs at once.
	#[arg(long, env = "INFERA_WORKER_MAX_BATCH", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=4096))]
	pub max_batch: u32,

	/// Longest a request waits for others to share its batch, in milliseconds.
	#[arg(long, env = "INFERA_WORKER_MAX_WAIT_MS", default_value_t = 5)]
	pub max_wait_ms: u64,

	/// Requests queued per model before `infer` answers "queue full".
	#[arg(long, env = "INFERA_WORKER_QUEUE_CAPACITY", default_value_t = 1024)]
	pub queue_capacity: usize,

	/// Intra-op threads of each forward pass (`torch::set_num_threads`).
	#[arg(long, env = "INFERA_WORKER_THREADS", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1024))]
	pub threads: u32,

	/// Device models run on.
	#[arg(long, env = "INFERA_WORKER_DEVICE", value_enum, default_value_t = DeviceChoice::Auto)]
	pub device: DeviceChoice,

	/// File holding the sr25519 attestation key as a secret URI or `0x` seed; generated
	/// (mode 0600) on first start when absent. Default: `<cache-dir>/worker.key`.
	#[arg(long, env = "INFERA_WORKER_KEY_FILE", conflicts_with = "seed")]
	pub key_file: Option<PathBuf>,

	/// The attestation key as a secret URI instead of a key file, e.g. `//Alice` (dev only).
	#[arg(long, env = "INFERA_WORKER_SEED")]
	pub seed: Option<String>,

	/// Largest JSON-RPC request body, in bytes (larger ones get HTTP 413 / code -32007).
	#[arg(long, env = "INFERA_WORKER_MAX_REQUEST_BYTES", default_value_t = 4 << 20)]
	pub max_request_bytes: u32,

	/// Longest an `infer` call may take (queueing + forward), in milliseconds.
	#[arg(long, env = "INFERA_WORKER_REQUEST_TIMEOUT_MS", default_value_t = 30_000)]
	pub request_timeout_ms: u64,

	/// Longest an artifact download may take, in seconds (every redirect and the body).
	#[arg(long, env = "INFERA_WORKER_FETCH_TIMEOUT_SECS", default_value_t = 300)]
	pub fetch_timeout_secs: u64,

	/// Longest a connection attempt of an artifact download may take, in seconds.
	#[arg(long, env = "INFERA_WORKER_FETCH_CONNECT_TIMEOUT_SECS", default_value_t = 10)]
	pub fetch_connect_timeout_secs: u64,

	/// A directory `file://` artifact URIs may point into (repeatable; none by default, so
	/// `file://` is refused). Paths are resolved (`..`, symbolic links) before the check. The
	/// directories of `--preload` manifests are added.
	#[arg(long = "artifact-dir", env = "INFERA_WORKER_ARTIFACT_DIRS", value_delimiter = ',')]
	pub artifact_dirs: Vec<PathBuf>,

	/// Let `http(s)://` artifact URIs reach loopback, private, link-local and other non-public
	/// addresses (a local test server, a mirror on the provider's own network). Off by default:
	/// a model's URI is chosen by whoever registers it.
	#[arg(long, env = "INFERA_WORKER_ALLOW_PRIVATE_FETCH")]
	pub allow_private_fetch: bool,

	/// File holding the shared secret the node sends as `Authorization: Bearer <token>`
	/// (`infera keys worker-token --out <file>`). Every JSON-RPC request without it gets HTTP
	/// 401, except a `health` call and `GET /metrics`. Required unless `--insecure-no-token`.
	#[arg(long, env = "INFERA_WORKER_TOKEN_FILE", required_unless_present = "insecure_no_token")]
	pub token_file: Option<PathBuf>,

	/// Serve without a token: anyone who can reach `--listen` may load models, run inference
	/// and get key proofs. Only for a worker on loopback in development (a warning at start).
	#[arg(long, env = "INFERA_WORKER_INSECURE_NO_TOKEN", conflicts_with = "token_file")]
	pub insecure_no_token: bool,

	/// Export manifests (`manifest.json` of `scripts/export_models.py`, comma-separated) whose
	/// models are loaded at start, from `file://` URIs next to each manifest.
	#[arg(long, env = "INFERA_WORKER_PRELOAD", value_delimiter = ',')]
	pub preload: Vec<PathBuf>,

	/// TEST ONLY: perturb every output (elements reversed) to play a cheating provider.
	#[arg(long, env = "INFERA_WORKER_FAULTY")]
	pub faulty: bool,

	/// Where models run: `process` (default) gives each model its own runner process behind
	/// resource limits, Landlock and seccomp; `in-process` runs them next to the worker's key.
	#[arg(long, env = "INFERA_WORKER_ISOLATION", value_enum, default_value_t = IsolationChoice::Process)]
	pub isolation: IsolationChoice,

	/// Address space of each model's runner, in MiB (0: no limit; never applied on CUDA).
	/// An allocation beyond it fails inside the model: a signed `forward_failed` refusal.
	#[arg(long, env = "INFERA_WORKER_MODEL_MEMORY_MB", default_value_t = 8192)]
	pub model_memory_mb: u64,

	/// Longest one forward pass may take, in milliseconds, before its runner is killed (the
	/// batch's requests fail with code -32022 and the next request starts a new runner).
	#[arg(long, env = "INFERA_WORKER_MODEL_TIMEOUT_MS", default_value_t = 10_000)]
	pub model_timeout_ms: u64,

	/// Longest loading a model in its runner may take (receiving the artifact, loading it and
	/// one check pass), in seconds.
	#[arg(long, env = "INFERA_WORKER_MODEL_LOAD_TIMEOUT_SECS", default_value_t = 120)]
	pub model_load_timeout_secs: u64,

	/// TEST ONLY: load models without vetting their code, to show what the sandbox alone
	/// stops.
	#[arg(long, env = "INFERA_WORKER_UNSAFE_SKIP_VETTING", hide = true)]
	pub unsafe_skip_vetting: bool,
}

impl Config {
	/// The batching window.
	pub fn max_wait(&self) -> Duration {
		Duration::from_millis(self.max_wait_ms)
	}

	/// The `infer` deadline.
	pub fn request_timeout(&self) -> Duration {
		Duration::from_millis(self.request_timeout_ms)
	}

	/// The artifact download deadline.
	pub fn fetch_timeout(&self) -> Duration {
		Duration::from_secs(self.fetch_timeout_secs)
	}

	/// The artifact connection deadline.
	pub fn fetch_connect_timeout(&self) -> Duration {
		Duration::from_secs(self.fetch_connect_timeout_secs)
	}

	/// The isolation of models: runners of this executable with the flags' limits, or none.
	pub fn isolation(&self) -> std::io::Result<crate::sandbox::Isolation> {
		use crate::sandbox::{Isolation, SandboxConfig};
		Ok(match self.isolation {
			IsolationChoice::InProcess => Isolation::InProcess,
			IsolationChoice::Process => Isolation::Process(SandboxConfig {
				runner: std::env::current_exe()?,
				memory_limit: self.model_memory_mb.saturating_mul(1 << 20),
				forward_timeout: Duration::from_millis(self.model_timeout_ms),
				load_timeout: Duration::from_secs(self.model_load_timeout_secs),
			}),
		})
	}

	/// The key file in use when no seed is given.
	pub fn key_path(&self) -> PathBuf {
		self.key_file.clone().unwrap_or_else(|| self.cache_dir.join("worker.key"))
	}
}
