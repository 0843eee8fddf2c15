//! The `infera` command tree and its execution. [`execute`] returns an [`Output`] — a text for
//! people and a JSON value for scripts — so `main.rs` only parses and prints.

use crate::{
	chain::{
		account_of, keypair, parse_account, Chain, JobUpdate, JobView, Model, ModelEntry,
		ProviderView,
	},
	keys::{ProvenWorkerKey, WorkerKeySource},
	spec::{
		format_amount, format_rule, format_tensor_spec, parse_amount, parse_hex32, parse_ids,
		parse_rule, parse_tensor_spec, AgreementRule, TensorSpec,
	},
};
use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use infera_primitives::{
	job::JobStatus as MarketStatus,
	market::{JobView as MarketJobView, MarketParameters, Quote},
};
use scale_value::Value;
use serde_json::json;
use std::{fmt::Write as _, path::PathBuf, time::Duration};

/// Command-line client of the Infera inference marketplace.
#[derive(Debug, Parser)]
#[command(name = "infera", version, about)]
pub struct Cli {
	/// WebSocket URL of a node.
	#[arg(long, global = true, env = "INFERA_URL", default_value = "ws://127.0.0.1:9944")]
	pub url: String,
	/// Secret URI of the signing account (`//Alice`, a mnemonic, a `0x` seed).
	#[arg(long, global = true, env = "INFERA_SURI", default_value = "//Alice")]
	pub suri: String,
	/// File holding the signing account's secret URI (instead of `--suri`, which shows it in
	/// the process list).
	#[arg(long, global = true, env = "INFERA_KEY_FILE")]
	pub key_file: Option<PathBuf>,
	/// Machine-readable output: one JSON document (or one per line while following a job).
	#[arg(long, global = true)]
	pub json: bool,
	/// What to do.
	#[command(subcommand)]
	pub command: Command,
}

impl Cli {
	/// The signing account's secret URI: the content of `--key-file` if given, else `--suri`.
	pub fn secret(&self) -> Result<String> {
		match &self.key_file {
			Some(path) => Ok(std::fs::read_to_string(path)
				.with_context(|| format!("reading the key file {}", path.display()))?
				.trim()
				.to_string()),
			None => Ok(self.suri.clone()),
		}
	}
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
	/// Model registry: register, list and show models.
	#[command(subcommand)]
	Model(ModelCmd),
	/// Provider staking: register, show, unbond, withdraw, go offline or online.
	#[command(subcommand)]
	Provider(ProviderCmd),
	/// Jobs: submit, show, wait for the result.
	#[command(subcommand)]
	Job(JobCmd),
	/// Governance: propose parameter changes, vote with conviction, follow referenda.
	#[command(subcommand)]
	Gov(GovCmd),
	/// Keys: a new worker key, the provider key of a node.
	#[command(subcommand)]
	Keys(KeysCmd),
	/// Serve the Open Inference Protocol (V2) and the web console over HTTP, paying for jobs
	/// with the signing account (`--key-file`/`--suri`); runs until ctrl-c.
	Gateway(GatewayArgs),
	/// Balances of an account (default: the signer).
	Balance {
		/// SS58 address, `0x` public key or secret URI (`//Bob`).
		account: Option<String>,
	},
}

/// `infera gateway` options.
#[derive(Debug, Args)]
pub struct GatewayArgs {
	/// Address to listen on. Whoever reaches it spends the signing account: keep it on loopback
	/// or behind an authenticating proxy.
	#[arg(long, default_value = "127.0.0.1:8000")]
	pub listen: std::net::SocketAddr,
	/// Providers per job (default: the chain's default redundancy).
	#[arg(long)]
	pub redundancy: Option<u32>,
	/// Seconds a request waits for its job to settle before answering 504 (the job still
	/// settles by the chain's rules).
	#[arg(long, default_value_t = 300)]
	pub timeout_secs: u64,
}

/// What a model entry and each new version of it declare: artifact, specs, rule, fee.
#[derive(Debug, clap::Args)]
pub struct ModelEntryArgs {
	/// The TorchScript file; its blake2-256 is registered.
	#[arg(long)]
	pub artifact: PathBuf,
	/// Where workers fetch it (`file://`, `http://`, `https://`).
	#[arg(long)]
	pub uri: String,
	/// Input spec, `dtype:d1,d2,...` (e.g. `f32:1,8,8`).
	#[arg(long, value_parser = parse_tensor_spec)]
	pub input: TensorSpec,
	/// Output spec (e.g. `f32:10`).
	#[arg(long, value_parser = parse_tensor_spec)]
	pub output: TensorSpec,
	/// Agreement rule: `top_k:<k>`, `quantized:<decimals>` or `exact`.
	#[arg(long, value_parser = parse_rule)]
	pub rule: AgreementRule,
	/// Fee per inference paid to the author (base units, or `0.01INF`).
	#[arg(long, value_parser = parse_amount, default_value = "0")]
	pub fee: u128,
}

impl ModelEntryArgs {
	/// The entry to register: the artifact file's blake2-256 and the declared rest.
	fn entry(&self) -> Result<ModelEntry> {
		let bytes = std::fs::read(&self.artifact)
			.with_context(|| format!("reading artifact {}", self.artifact.display()))?;
		Ok(ModelEntry {
			artifact_hash: crate::blake2_256(&bytes),
			uri: self.uri.clone(),
			input: self.input.clone(),
			output: self.output.clone(),
			rule: self.rule,
			fee: self.fee,
		})
	}
}

/// Model commands.
#[derive(Debug, Subcommand)]
pub enum ModelCmd {
	/// Registers a model (the signer becomes its author); prints its id.
	Register {
		/// Name, unique per author.
		#[arg(long)]
		name: String,
		/// Artifact, specs, rule and fee.
		#[command(flatten)]
		entry: ModelEntryArgs,
	},
	/// Publishes a new version of the signer's model `predecessor` (same name); prints its id.
	Version {
		/// The version it follows (the lineage's newest).
		predecessor: u32,
		/// Artifact, specs, rule and fee of the new version.
		#[command(flatten)]
		entry: ModelEntryArgs,
	},
	/// Deprecates one of the signer's models: no new jobs, running jobs finish.
	Deprecate {
		/// Model id.
		id: u32,
	},
	/// Sets the fee per inference of one of the signer's models.
	SetFee {
		/// Model id.
		id: u32,
		/// New fee (base units or `INF`).
		#[arg(value_parser = parse_amount)]
		fee: u128,
	},
	/// Lists every model.
	List,
	/// Shows one model.
	Show {
		/// Model id.
		id: u32,
	},
}

/// Provider commands.
#[derive(Debug, Subcommand)]
pub enum ProviderCmd {
	/// Registers the signer as a provider (bond held at once, online at once).
	Register {
		/// Stake to bond (base units, or `100INF`).
		#[arg(long, value_parser = parse_amount)]
		bond: u128,
		/// The inference worker's key and where its proof comes from.
		#[command(flatten)]
		worker: WorkerKeyArgs,
		/// Models served, comma-separated ids.
		#[arg(long, value_parser = parse_ids)]
		models: ::std::vec::Vec<u32>,
		/// Concurrent jobs.
		#[arg(long, default_value_t = 4)]
		capacity: u32,
		/// Price per inference (base units, or `0.01INF`).
		#[arg(long, value_parser = parse_amount)]
		price: u128,
	},
	/// Shows a provider's record and stake (default: the signer).
	Show {
		/// SS58 address, `0x` public key or secret URI.
		account: Option<String>,
	},
	/// Starts unbonding `amount` of the signer's stake.
	Unbond {
		/// Amount (base units or `INF`).
		#[arg(value_parser = parse_amount)]
		amount: u128,
	},
	/// Adds `amount` to the signer's bond.
	Bond {
		/// Amount (base units or `INF`).
		#[arg(value_parser = parse_amount)]
		amount: u128,
	},
	/// Replaces the models the signer serves.
	SetModels {
		/// Comma-separated model ids.
		#[arg(value_parser = parse_ids)]
		models: ::std::vec::Vec<u32>,
	},
	/// Sets the signer's price per inference (for jobs assigned from now on).
	SetPrice {
		/// Price (base units or `INF`).
		#[arg(value_parser = parse_amount)]
		price: u128,
	},
	/// Sets how many jobs the signer runs at once.
	SetCapacity {
		/// Concurrent jobs.
		capacity: u32,
	},
	/// Replaces the signer's worker key (rotate between jobs: results of running jobs are
	/// checked against the key registered when they are submitted).
	RotateWorkerKey {
		/// The new worker key and where its proof comes from.
		#[command(flatten)]
		worker: WorkerKeyArgs,
	},
	/// Releases the signer's unbonded stake whose unlock block passed.
	Withdraw,
	/// Stops taking new jobs.
	Offline,
	/// Takes jobs again.
	Online,
	/// Names the account whose key the signer's node holds as its operator: it may commit and
	/// reveal the signer's job answers and nothing else, so a stolen node key cannot move
	/// funds. `--clear` removes it.
	SetOperator {
		/// SS58 address, `0x` public key or secret URI of the operator.
		#[arg(required_unless_present = "clear")]
		operator: Option<String>,
		/// Remove the operator instead.
		#[arg(long, conflicts_with = "operator")]
		clear: bool,
	},
	/// Stops operating for the provider that named the signer its operator.
	RenounceOperator,
}

/// Job commands.
#[derive(Debug, Subcommand)]
pub enum JobCmd {
	/// Submits a job as the signer.
	Submit {
		/// Model id.
		#[arg(long)]
		model: u32,
		/// The input tensor: a `.npy` array, a `.json` array of numbers, or raw little-endian
		/// bytes; checked against the model's input spec.
		#[arg(long)]
		input: PathBuf,
		/// Most the signer pays (base units or `INF`); default: no limit.
		#[arg(long, value_parser = parse_amount, default_value = "340282366920938463463374607431768211455")]
		max_price: u128,
		/// Number of providers (default: the chain's).
		#[arg(long)]
		redundancy: Option<u32>,
		/// Follow the job until it settles and print its result.
		#[arg(long)]
		wait: bool,
		/// Seconds to wait with `--wait`.
		#[arg(long, default_value_t = 120)]
		timeout: u64,
	},
	/// Shows a job and its result.
	Show {
		/// Job id.
		id: u64,
	},
	/// Lists the jobs of an account (default: the signer), newest first.
	List {
		/// SS58 address, `0x` public key or secret URI.
		account: Option<String>,
		/// Only jobs with ids below this (the last id of the previous page).
		#[arg(long)]
		before: Option<u64>,
		/// Jobs per page (at most 100).
		#[arg(long, default_value_t = 20)]
		limit: u32,
	},
	/// What a job would cost now, with its breakdown.
	Quote {
		/// Model id.
		#[arg(long)]
		model: u32,
		/// Number of providers (default: the chain's).
		#[arg(long)]
		redundancy: Option<u32>,
	},
	/// Asks to cancel one of the signer's jobs that no provider has answered yet: it takes effect
	/// after the governed grace unless an answer lands first; refunds all but the protocol fee.
	Cancel {
		/// Job id.
		id: u64,
	},
	/// Follows a job until it settles.
	Wait {
		/// Job id.
		id: u64,
		/// Seconds to wait.
		#[arg(long, default_value_t = 120)]
		timeout: u64,
	},
}

/// The worker key a provider registers, and where the proof that the provider holds it comes
/// from: the chain takes a worker key only with the key's signature over the provider's account
/// and the chain's genesis hash, so that nobody can register it first.
#[derive(Debug, Args)]
pub struct WorkerKeyArgs {
	/// URL of the running inference worker (as given to the node's `--inference-worker-url`);
	/// it signs the proof with its key (`prove_key`).
	#[arg(long, conflicts_with = "worker_key_file")]
	pub worker_url: Option<String>,
	/// The worker's token file (`keys worker-token`), for a worker started with
	/// `--token-file`; sent as `Authorization: Bearer <token>` to `--worker-url`.
	#[arg(long, requires = "worker_url")]
	pub worker_token_file: Option<PathBuf>,
	/// The worker's key file (`keys generate-worker`, `infera-worker --key-file`); the proof is
	/// signed here.
	#[arg(long)]
	pub worker_key_file: Option<PathBuf>,
	/// The worker's sr25519 public key, `0x` hex: optional, checked against the worker's.
	#[arg(long, value_parser = parse_hex32)]
	pub worker_key: Option<[u8; 32]>,
}

impl WorkerKeyArgs {
	/// Where the proof comes from; an error naming both options if neither is given.
	pub fn source(&self) -> Result<WorkerKeySource> {
		match (&self.worker_url, &self.worker_key_file) {
			(Some(url), _) => Ok(WorkerKeySource::Worker {
				url: url.clone(),
				token_file: self.worker_token_file.clone(),
			}),
			(None, Some(file)) => Ok(WorkerKeySource::KeyFile(file.clone())),
			(None, None) => bail!(
				"a worker key is registered only with a proof that you hold it{}: give \
				 --worker-url URL (the running worker signs the proof) or --worker-key-file \
				 FILE (the proof is signed here with the worker's key file)",
				if self.worker_key.is_some() {
					", so --worker-key alone is not enough"
				} else {
					""
				}
			),
		}
	}

	/// The worker key and its proof for `signer` on `chain`.
	async fn prove(
		&self,
		chain: &Chain,
		signer: &subxt_signer::sr25519::Keypair,
	) -> Result<ProvenWorkerKey> {
		crate::keys::prove_worker_key(
			&self.source()?,
			self.worker_key,
			chain.genesis_hash(),
			&account_of(signer),
		)
		.await
	}
}

/// Key commands.
#[derive(Debug, Subcommand)]
pub enum KeysCmd {
	/// Generates an sr25519 attestation key for an inference worker: writes its `0x` seed to
	/// `file` (owner-only permissions, for `infera-worker --key-file`) and prints the public key;
	/// register it with `provider register --worker-key-file <file>` (or `--worker-url`).
	GenerateWorker {
		/// Where to write the seed; an existing file is not overwritten.
		file: PathBuf,
	},
	/// Generates the shared secret between a node and its inference worker (32 random bytes,
	/// hex) into `--out` (owner-only permissions): pass it to `infera-worker --token-file`, to
	/// the node's `--inference-worker-token-file` and to `provider register
	/// --worker-token-file`.
	WorkerToken {
		/// Where to write the token; an existing file is not overwritten.
		#[arg(long)]
		out: PathBuf,
	},
	/// Inserts the provider account key (`--suri`) into the keystore of the node at `--url`
	/// (key type `infr`), so that its off-chain worker signs the provider's results. The node
	/// accepts this only over a local connection (or with `--rpc-methods unsafe`).
	InsertProvider,
}

/// Governance commands.
#[derive(Debug, Subcommand)]
pub enum GovCmd {
	/// Opens a referendum on the parameters track to set a marketplace parameter, and places
	/// its decision deposit (100 INF, returned when it ends); prints the referendum's index.
	ProposeParameter {
		/// Parameter: default-redundancy, max-redundancy, commit-period, reveal-period,
		/// wrong-result-slash, timeout-slash, min-provider-stake, unbonding-period,
		/// protocol-fee, max-input-bytes, max-output-bytes or result-retention.
		name: String,
		/// New value: a whole number (providers, blocks, bytes), a percentage (`10%`) or an
		/// amount (`100INF`).
		value: String,
	},
	/// Opens a referendum on the root track to upgrade the runtime to the blob in `wasm`: notes
	/// it as a preimage (1 mINF per byte, held) and places the decision deposit (10 000 INF);
	/// prints the referendum's index. Enacted, it replaces the runtime without a node restart.
	ProposeUpgrade {
		/// The new runtime (`*.compact.compressed.wasm` of a build with a higher spec_version).
		wasm: PathBuf,
	},
	/// Votes on a referendum.
	Vote {
		/// Referendum index.
		index: u32,
		/// `aye` or `nay`.
		#[arg(value_parser = ["aye", "nay"])]
		choice: String,
		/// Balance voted with (base units or `INF`); it is locked while the vote counts.
		#[arg(long, value_parser = parse_amount)]
		amount: u128,
		/// Conviction 0–6: 0 counts 0.1x with no lock, n counts n times with a lock of
		/// 2^(n-1) vote-locking periods.
		#[arg(long, default_value_t = 1)]
		conviction: u8,
	},
	/// Shows a referendum: tally and phase, or its outcome.
	Status {
		/// Referendum index.
		index: u32,
	},
	/// The marketplace parameters in force.
	Parameters,
}

/// What a command produced: text for people, JSON for scripts.
#[derive(Debug, Default)]
pub struct Output {
	/// Human-readable text.
	pub text: String,
	/// Machine-readable value.
	pub json: serde_json::Value,
}

impl Output {
	fn new(text: impl Into<String>, json: serde_json::Value) -> Output {
		Output { text: text.into(), json }
	}
}

/// Human-readable form of a model.
pub fn describe_model(id: u32, m: &Model) -> String {
	format!(
		"model {id}: {} v{} by {}\n  artifact {}\n  uri {}\n  input {} ({} bytes) -> output {} rule {} ({} canonical bytes)\n  fee {}  deposit {}  open jobs {}{}",
		String::from_utf8_lossy(&m.name),
		m.version,
		m.owner,
		format_args!("0x{}", hex::encode(m.artifact_hash)),
		String::from_utf8_lossy(&m.uri),
		format_tensor_spec(&m.input),
		m.input_len,
		format_tensor_spec(&m.output),
		format_rule(*m.rule),
		m.canonical_output_len,
		format_amount(m.fee),
		format_amount(m.deposit),
		m.in_use,
		if m.deprecated { "  DEPRECATED" } else { "" },
	)
}

/// A job as the `market_*` methods report it.
type MarketJob = MarketJobView<subxt::utils::AccountId32, u128, u32>;

/// The name of a job's state.
fn status_name(status: &MarketStatus<u32>) -> &'static str {
	match status {
		MarketStatus::Pending { .. } => "pending",
		MarketStatus::Revealing { .. } => "revealing",
		MarketStatus::Completed { .. } => "completed",
		MarketStatus::Refused { .. } => "refused",
		MarketStatus::Failed { .. } => "failed",
		MarketStatus::Cancelled { .. } => "cancelled",
	}
}

/// Human-readable form of the parameters in force (as `market_parameters` returns them), by
/// the names `gov propose-parameter` takes.
pub fn describe_parameters(p: &MarketParameters<u128, u32>) -> String {
	// Perbill parts per percent.
	const PARTS_PER_PERCENT: f64 = 10_000_000.0;
	let percent = |parts: u32| format!("{}%", parts as f64 / PARTS_PER_PERCENT);
	let blocks = |v: u32| format!("{v} blocks");
	let rows = [
		("default-redundancy", format!("{} providers", p.default_redundancy)),
		("max-redundancy", format!("{} providers", p.max_redundancy)),
		("commit-period", blocks(p.commit_period)),
		("reveal-period", blocks(p.reveal_period)),
		("wrong-result-slash", percent(p.wrong_result_slash.deconstruct())),
		("timeout-slash", percent(p.timeout_slash.deconstruct())),
		("min-provider-stake", format_amount(p.min_provider_stake)),
		("unbonding-period", blocks(p.unbonding_period)),
		("protocol-fee", percent(p.protocol_fee.deconstruct())),
		("max-input-bytes", format!("{} bytes", p.max_input_bytes)),
		("max-output-bytes", format!("{} bytes", p.max_output_bytes)),
		("result-retention", blocks(p.result_retention)),
		("cancel-grace", blocks(p.cancel_grace)),
		("job-byte-fee", format_amount(p.byte_fee)),
		("audit-rate", percent(p.audit_rate.deconstruct())),
	];
	let mut s = String::from("marketplace parameters:");
	for (name, shown) in rows {
		let _ = write!(s, "\n  {name:<20} {shown}");
	}
	s
}

/// Human-readable form of a provider.
pub fn describe_provider(v: &ProviderView) -> String {
	let mut s = format!("provider {}", v.account);
	match &v.provider {
		Some(p) => {
			let _ = write!(
				s,
				"\n  {}  worker 0x{}\n  models {:?}  capacity {} (active {})  price {}",
				if p.online { "online" } else { "OFFLINE" },
				hex::encode(p.worker),
				p.models,
				p.capacity,
				p.active_jobs,
				format_amount(p.price)
			);
		}
		None => s.push_str("\n  not registered"),
	}
	if let Some(l) = &v.ledger {
		let _ = write!(s, "\n  bonded {}", format_amount(l.bonded));
		for c in &l.unbonding {
			let _ =
				write!(s, "\n  unbonding {} until block {}", format_amount(c.value), c.unlock_at);
		}
	}
	s
}

/// Human-readable form of a job.
pub fn describe_job(v: &JobView) -> String {
	let j = &v.job;
	let mut s = format!(
		"job {}: model {} by {} — {}\n  submitted at block {}, held {}, author fee {}, protocol fee {}",
		v.id,
		j.model,
		j.user,
		j.status.name(),
		j.submitted_at,
		format_amount(j.held),
		format_amount(j.author_fee),
		format_amount(j.protocol_fee),
	);
	for a in &j.assignments {
		let _ =
			write!(s, "\n  provider {} at {}: {}", a.provider, format_amount(a.price), a.answer);
	}
	for a in &j.arbitrators {
		let _ = write!(s, "\n  arbitrator {}: {}", a.provider, a.answer);
	}
	match j.status {
		crate::chain::JobStatus::Pending { deadline }
		| crate::chain::JobStatus::Revealing { deadline } => {
			let _ = write!(s, "\n  deadline block {deadline}");
			if let Some(at) = j.cancel_at {
				let _ = write!(s, "\n  cancellation takes effect at block {at} unless answered");
			}
		}
		crate::chain::JobStatus::Failed { reason, at } => {
			let _ = write!(s, "\n  failed at block {at}: {reason:?} (user refunded)");
		}
		crate::chain::JobStatus::Refused { reason, at } => {
			let _ = write!(s, "\n  refused at block {at}: {reason:?} (the model cannot answer)");
		}
		crate::chain::JobStatus::Completed { .. } | crate::chain::JobStatus::Cancelled { .. } => {}
	}
	if let Some(out) = &v.output_text {
		let _ = write!(s, "\n  output: {out}");
	}
	s
}

/// Human-readable form of a job update.
pub fn describe_update(u: &JobUpdate) -> String {
	match u {
		JobUpdate::Assigned { job_id, providers, block } => {
			let p: Vec<String> = providers.iter().map(|p| p.to_string()).collect();
			format!("job {job_id}: assigned to {} (block {block})", p.join(", "))
		}
		JobUpdate::Answered { job_id, provider, answer, block } => {
			format!("job {job_id}: {provider} {answer} (block {block})")
		}
		JobUpdate::Revealing { job_id, block } => {
			format!("job {job_id}: reveal phase open (block {block})")
		}
		JobUpdate::Settled { job_id, job, paid } => {
			let mut s = format!("job {job_id}: {}", job.job.status.name());
			match job.job.status {
				crate::chain::JobStatus::Failed { reason, at } => {
					let _ = write!(s, " at block {at}: {reason:?}, user refunded");
				}
				crate::chain::JobStatus::Refused { reason, at } => {
					let _ = write!(s, " at block {at}: {reason:?}, the model cannot answer");
				}
				crate::chain::JobStatus::Completed { at, .. }
				| crate::chain::JobStatus::Cancelled { at } => {
					let _ = write!(s, " at block {at}");
				}
				crate::chain::JobStatus::Pending { .. }
				| crate::chain::JobStatus::Revealing { .. } => {}
			}
			if let Some(p) = paid {
				let _ = write!(
					s,
					" — paid {} to each of {} provider(s), {} to author {}, {} protocol fee",
					format_amount(p.share),
					p.winners,
					format_amount(job.job.author_fee),
					job.job.author,
					format_amount(job.job.protocol_fee)
				);
			}
			if let Some(out) = &job.output_text {
				let _ = write!(s, "; output {out}");
			}
			s
		}
	}
}

/// Runs `cli`. With `--wait`/`job wait`, `progress` is called with each state change (as text or
/// a JSON line per `--json`) before the final output is returned.
pub async fn execute(cli: &Cli, mut progress: impl FnMut(String)) -> Result<Output> {
	let mut progress = move |s: String| progress(s);
	// Key generation needs no node.
	if let Command::Keys(KeysCmd::GenerateWorker { file }) = &cli.command {
		return generate_worker_key(file);
	}
	if let Command::Keys(KeysCmd::WorkerToken { out }) = &cli.command {
		return generate_worker_token(out);
	}
	// A missing worker-key proof is reported before connecting.
	if let Command::Provider(
		ProviderCmd::Register { worker, .. } | ProviderCmd::RotateWorkerKey { worker },
	) = &cli.command
	{
		worker.source()?;
	}
	let chain = Chain::connect(&cli.url).await?;
	let secret = cli.secret()?;
	let signer = || keypair(&secret);
	let json_out = cli.json;
	let report = |u: &JobUpdate, progress: &mut dyn FnMut(String)| {
		if json_out {
			progress(serde_json::to_string(u).unwrap_or_default())
		} else {
			progress(describe_update(u))
		}
	};
	Ok(match &cli.command {
		Command::Model(ModelCmd::Register { name, entry }) => {
			let entry = entry.entry()?;
			let hash = entry.artifact_hash;
			let id = chain.register_model(&signer()?, name, &entry).await?;
			Output::new(
				format!("registered model {id} ({name}, artifact 0x{})", hex::encode(hash)),
				json!({ "model": id, "artifact_hash": format!("0x{}", hex::encode(hash)) }),
			)
		}
		Command::Model(ModelCmd::List) => {
			let models = chain.models().await?;
			let text = if models.is_empty() {
				"no models".to_string()
			} else {
				models.iter().map(|(id, m)| describe_model(*id, m)).collect::<Vec<_>>().join("\n")
			};
			let json = models
				.iter()
				.map(|(id, m)| {
					let mut v = serde_json::to_value(m).unwrap_or_default();
					v["id"] = json!(id);
					v
				})
				.collect();
			Output::new(text, serde_json::Value::Array(json))
		}
		Command::Model(ModelCmd::Version { predecessor, entry }) => {
			let id = chain.publish_version(&signer()?, *predecessor, &entry.entry()?).await?;
			Output::new(
				format!("published model {id}, the version after {predecessor}"),
				json!({ "id": id, "predecessor": predecessor }),
			)
		}
		Command::Model(ModelCmd::Deprecate { id }) => {
			chain
				.call(&signer()?, "ModelRegistry", "deprecate", vec![Value::u128(*id as u128)])
				.await?;
			Output::new(format!("model {id} deprecated"), json!({ "id": id, "deprecated": true }))
		}
		Command::Model(ModelCmd::SetFee { id, fee }) => {
			let args = vec![Value::u128(*id as u128), Value::u128(*fee)];
			chain.call(&signer()?, "ModelRegistry", "set_fee", args).await?;
			Output::new(
				format!("model {id}: fee {}", format_amount(*fee)),
				json!({ "id": id, "fee": fee }),
			)
		}
		Command::Model(ModelCmd::Show { id }) => {
			let m = chain.model(*id).await?.with_context(|| format!("no model {id}"))?;
			let mut v = serde_json::to_value(&m)?;
			v["id"] = json!(id);
			Output::new(describe_model(*id, &m), v)
		}
		Command::Provider(ProviderCmd::Register { bond, worker, models, capacity, price }) => {
			let key = signer()?;
			let worker = worker.prove(&chain, &key).await?;
			chain.register_provider(&key, *bond, &worker, models, *capacity, *price).await?;
			let view = chain.provider(&account_of(&key)).await?;
			Output::new(
				format!("registered provider\n{}", describe_provider(&view)),
				serde_json::to_value(&view)?,
			)
		}
		Command::Provider(ProviderCmd::RotateWorkerKey { worker }) => {
			let key = signer()?;
			let worker = worker.prove(&chain, &key).await?;
			chain.rotate_worker_key(&key, &worker).await?;
			let view = chain.provider(&account_of(&key)).await?;
			Output::new(
				format!("worker key rotated\n{}", describe_provider(&view)),
				serde_json::to_value(&view)?,
			)
		}
		Command::Provider(ProviderCmd::SetOperator { operator, clear: _ }) => {
			let key = signer()?;
			let operator = operator.as_deref().map(parse_account).transpose()?;
			let arg = match &operator {
				Some(account) => Value::unnamed_variant("Some", [Value::from_bytes(account.0)]),
				None => Value::unnamed_variant("None", []),
			};
			chain.call(&key, "ProviderStaking", "set_operator", vec![arg]).await?;
			let text = match &operator {
				Some(account) => {
					format!("operator set: {account} answers for {}", account_of(&key))
				}
				None => format!("operator removed: only {} answers for itself", account_of(&key)),
			};
			let json = serde_json::json!({
				"provider": account_of(&key).to_string(),
				"operator": operator.map(|a| a.to_string()),
			});
			Output::new(text, json)
		}
		Command::Provider(ProviderCmd::RenounceOperator) => {
			let key = signer()?;
			chain.call(&key, "ProviderStaking", "renounce_operator", vec![]).await?;
			let text = format!("{} no longer operates for any provider", account_of(&key));
			Output::new(text, serde_json::json!({ "operator": account_of(&key).to_string() }))
		}
		Command::Provider(ProviderCmd::Show { account }) => {
			let account = match account {
				Some(a) => parse_account(a)?,
				None => account_of(&signer()?),
			};
			let view = chain.provider(&account).await?;
			Output::new(describe_provider(&view), serde_json::to_value(&view)?)
		}
		Command::Provider(cmd) => {
			let (call, args, what) = match cmd {
				ProviderCmd::Unbond { amount } => {
					("unbond", vec![Value::u128(*amount)], "unbonding")
				}
				ProviderCmd::Bond { amount } => {
					("bond_extra", vec![Value::u128(*amount)], "bonded")
				}
				ProviderCmd::SetModels { models } => (
					"set_models",
					vec![Value::unnamed_composite(models.iter().map(|&m| Value::u128(m as u128)))],
					"models set",
				),
				ProviderCmd::SetPrice { price } => {
					("set_price", vec![Value::u128(*price)], "price set")
				}
				ProviderCmd::SetCapacity { capacity } => {
					("set_capacity", vec![Value::u128(*capacity as u128)], "capacity set")
				}
				ProviderCmd::Withdraw => ("withdraw_unbonded", vec![], "withdrawn"),
				ProviderCmd::Offline => ("go_offline", vec![], "offline"),
				ProviderCmd::Online => ("go_online", vec![], "online"),
				ProviderCmd::Register { .. }
				| ProviderCmd::RotateWorkerKey { .. }
				| ProviderCmd::Show { .. }
				| ProviderCmd::SetOperator { .. }
				| ProviderCmd::RenounceOperator => unreachable!("handled above"),
			};
			let key = signer()?;
			chain.call(&key, "ProviderStaking", call, args).await?;
			let view = chain.provider(&account_of(&key)).await?;
			Output::new(
				format!("{what}\n{}", describe_provider(&view)),
				serde_json::to_value(&view)?,
			)
		}
		Command::Job(JobCmd::Submit { model, input, max_price, redundancy, wait, timeout }) => {
			let key = signer()?;
			let spec = chain
				.model(*model)
				.await?
				.with_context(|| format!("no model has id {model}"))?
				.input;
			let bytes = crate::input::load_input(input, &spec)?;
			// Refuse early, with the numbers, what the chain would refuse for lack of funds.
			let quote: Quote<u128> =
				chain.market("market_quote", subxt::rpcs::rpc_params![model, redundancy]).await?;
			let cost = quote.total;
			let balance = chain.balance(&account_of(&key)).await?;
			// Frozen funds (vote locks) may back holds, not new ones beyond them.
			let available =
				balance.free.saturating_sub(balance.frozen.saturating_sub(balance.reserved));
			if available < cost.min(*max_price) {
				bail!(
					"insufficient balance: the job costs up to {} (plus the transaction fee), {} has {} available; transfer funds to it first",
					format_amount(cost),
					account_of(&key),
					format_amount(available)
				);
			}
			let sub = chain.submit_job(&key, *model, &bytes, *max_price, *redundancy).await?;
			let text = format!(
				"job {} submitted: {} held, providers {}, deadline block {}",
				sub.job_id,
				format_amount(sub.price),
				sub.providers.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", "),
				sub.deadline
			);
			if *wait {
				progress_submitted(cli.json, &text, &sub, &mut progress);
				let view = chain
					.follow_job(sub.job_id, Duration::from_secs(*timeout), |u| {
						report(u, &mut progress)
					})
					.await?;
				Output::new(describe_job(&view), serde_json::to_value(&view)?)
			} else {
				Output::new(text, serde_json::to_value(&sub)?)
			}
		}
		Command::Job(JobCmd::List { account, before, limit }) => {
			let account = match account {
				Some(a) => parse_account(a)?,
				None => account_of(&signer()?),
			};
			let jobs: Vec<MarketJob> = chain
				.market(
					"market_jobsOf",
					subxt::rpcs::rpc_params![account.to_string(), before, limit],
				)
				.await?;
			let mut text = format!("{} job(s) of {account}, newest first:", jobs.len());
			for j in &jobs {
				let _ = write!(
					text,
					"\n  job {}: model {}, {} provider(s), {} — {}",
					j.id,
					j.model,
					j.assignments.len(),
					format_amount(j.price),
					status_name(&j.status)
				);
			}
			Output::new(text, serde_json::to_value(&jobs)?)
		}
		Command::Job(JobCmd::Quote { model, redundancy }) => {
			let quote: Quote<u128> =
				chain.market("market_quote", subxt::rpcs::rpc_params![model, redundancy]).await?;
			Output::new(
				format!(
					"model {model}, {} provider(s) of {} eligible: total {} = providers {} + author fee {} + protocol fee {} + audit fee {}",
					quote.redundancy,
					quote.eligible_providers,
					format_amount(quote.total),
					format_amount(quote.providers),
					format_amount(quote.author_fee),
					format_amount(quote.protocol_fee),
					format_amount(quote.audit_fee)
				),
				serde_json::to_value(&quote)?,
			)
		}
		Command::Job(JobCmd::Cancel { id }) => {
			chain
				.call(&signer()?, "JobEscrow", "cancel_job", vec![Value::u128(*id as u128)])
				.await?;
			let at = chain.job(*id).await?.and_then(|j| j.cancel_at);
			let at_text = at.map_or_else(|| "soon".into(), |b| format!("at block {b}"));
			Output::new(
				format!(
					"job {id}: cancellation requested; it takes effect {at_text} unless a \
					 provider answers first (then the job completes and is paid). A cancelled \
					 job refunds all but the protocol fee."
				),
				json!({ "id": id, "cancel_at": at }),
			)
		}
		Command::Job(JobCmd::Show { id }) => {
			let view = chain.job_view(*id).await?.with_context(|| format!("no job {id}"))?;
			Output::new(describe_job(&view), serde_json::to_value(&view)?)
		}
		Command::Job(JobCmd::Wait { id, timeout }) => {
			let view = chain
				.follow_job(*id, Duration::from_secs(*timeout), |u| report(u, &mut progress))
				.await?;
			Output::new(describe_job(&view), serde_json::to_value(&view)?)
		}
		Command::Gov(GovCmd::ProposeParameter { name, value }) => {
			let parameter = crate::governance::parameter_value(name, value)?;
			let proposed = chain.propose_parameter_change(&signer()?, parameter).await?;
			Output::new(
				format!(
					"referendum {} opened on the parameters track to set {name} to {value}; \
					 decision deposit placed",
					proposed.index
				),
				serde_json::to_value(&proposed)?,
			)
		}
		Command::Gov(GovCmd::ProposeUpgrade { wasm }) => {
			let code = std::fs::read(wasm)
				.with_context(|| format!("reading the runtime blob {}", wasm.display()))?;
			let size = code.len();
			let proposed = chain.propose_runtime_upgrade(&signer()?, code).await?;
			Output::new(
				format!(
					"referendum {} opened on the root track to upgrade the runtime to {} \
					 ({size} bytes, noted as a preimage); decision deposit placed",
					proposed.index,
					wasm.display()
				),
				serde_json::to_value(&proposed)?,
			)
		}
		Command::Gov(GovCmd::Vote { index, choice, amount, conviction }) => {
			let aye = choice == "aye";
			chain.vote(&signer()?, *index, aye, *amount, *conviction).await?;
			Output::new(
				format!(
					"voted {choice} on referendum {index} with {} at conviction {conviction}",
					format_amount(*amount)
				),
				json!({ "index": index, "aye": aye, "amount": amount, "conviction": conviction }),
			)
		}
		Command::Gov(GovCmd::Status { index }) => {
			let state = chain.referendum(*index).await?;
			Output::new(format!("referendum {index}: {state}"), serde_json::to_value(&state)?)
		}
		Command::Gov(GovCmd::Parameters) => {
			let params: MarketParameters<u128, u32> =
				chain.market("market_parameters", subxt::rpcs::rpc_params![]).await?;
			Output::new(describe_parameters(&params), serde_json::to_value(&params)?)
		}
		// Needs no node: run before connecting (above); listed for completeness.
		Command::Keys(KeysCmd::GenerateWorker { file }) => generate_worker_key(file)?,
		Command::Keys(KeysCmd::WorkerToken { out }) => generate_worker_token(out)?,
		Command::Keys(KeysCmd::InsertProvider) => {
			let public = signer()?.public_key().0;
			let params = subxt::rpcs::rpc_params![
				crate::keys::PROVIDER_KEY_TYPE,
				&secret,
				format!("0x{}", hex::encode(public))
			];
			chain.market::<()>("author_insertKey", params).await?;
			let account = account_of(&signer()?);
			Output::new(
				format!("provider key of {account} inserted into the node at {}", cli.url),
				json!({ "account": account, "key_type": crate::keys::PROVIDER_KEY_TYPE }),
			)
		}
		Command::Gateway(args) => {
			let config = crate::gateway::Config {
				redundancy: args.redundancy,
				timeout: Duration::from_secs(args.timeout_secs),
			};
			let gateway = crate::gateway::Gateway::start(chain, signer()?, config);
			crate::gateway::serve(gateway, args.listen).await?;
			Output::new("gateway stopped", json!({ "stopped": true }))
		}
		Command::Balance { account } => {
			let account = match account {
				Some(a) => parse_account(a)?,
				None => account_of(&signer()?),
			};
			let b = chain.balance(&account).await?;
			Output::new(
				format!(
					"{account}: free {}, reserved/held {}, frozen {}",
					format_amount(b.free),
					format_amount(b.reserved),
					format_amount(b.frozen)
				),
				json!({ "account": account, "free": b.free, "reserved": b.reserved, "frozen": b.frozen }),
			)
		}
	})
}

/// `keys generate-worker`: writes a new worker key to `file`; no node is involved.
fn generate_worker_key(file: &std::path::Path) -> Result<Output> {
	let public = crate::keys::generate_worker_key(file)?;
	Ok(Output::new(
		format!("worker key written to {}; public key 0x{}", file.display(), hex::encode(public)),
		json!({ "file": file, "public": format!("0x{}", hex::encode(public)) }),
	))
}

/// `keys worker-token`: writes a new worker token to `out`; no node is involved.
fn generate_worker_token(out: &std::path::Path) -> Result<Output> {
	crate::keys::generate_worker_token(out)?;
	Ok(Output::new(
		format!("worker token written to {} (owner-only)", out.display()),
		json!({ "file": out }),
	))
}

fn progress_submitted(
	json: bool,
	text: &str,
	sub: &crate::chain::Submitted,
	progress: &mut dyn FnMut(String),
) {
	if json {
		let mut v = serde_json::to_value(sub).unwrap_or_default();
		v["event"] = json!("submitted");
		progress(v.to_string())
	} else {
		progress(text.to_string())
	}
}

/// Parses a command line (for tests and scripts embedding the client).
pub fn parse<I, T>(args: I) -> Result<Cli>
where
	I: IntoIterator<Item = T>,
	T: Into<std::ffi::OsString> + Clone,
{
	match Cli::try_parse_from(args) {
		Ok(cli) => Ok(cli),
		Err(e) => bail!("{e}"),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn model_register_parses_specs_rule_and_fee() {
		let cli = parse([
			"infera",
			"--json",
			"model",
			"register",
			"--name",
			"digits-cnn",
			"--artifact",
			"/tmp/a.pt",
			"--uri",
			"file:///tmp/a.pt",
			"--input",
			"f32:1,8,8",
			"--output",
			"f32:10",
			"--rule",
			"top_k:1",
			"--fee",
			"0.01INF",
		])
		.unwrap();
		assert!(cli.json);
		assert_eq!(cli.url, "ws://127.0.0.1:9944");
		assert_eq!(cli.suri, "//Alice");
		match cli.command {
			Command::Model(ModelCmd::Register {
				name,
				entry: ModelEntryArgs { input, output, rule, fee, .. },
			}) => {
				assert_eq!(name, "digits-cnn");
				assert_eq!(input.shape, vec![1, 8, 8]);
				assert_eq!(output.byte_len(), Some(40));
				assert_eq!(rule, AgreementRule::TopK { k: 1 });
				assert_eq!(fee, crate::spec::UNIT / 100);
			}
			other => panic!("unexpected {other:?}"),
		}
	}

	#[test]
	fn bad_specs_and_rules_are_refused() {
		let base = ["infera", "model", "register", "--name", "m", "--artifact", "a", "--uri", "u"];
		let with = |input: &str, rule: &str| {
			let mut v: Vec<String> = base.iter().map(|s| s.to_string()).collect();
			v.extend(["--input", input, "--output", "f32:10", "--rule", rule].map(String::from));
			parse(v)
		};
		assert!(with("f32:1,8,8", "quantized:3").is_ok());
		assert!(with("f32:1,8,8", "exact").is_ok());
		assert!(with("f64:1,8,8", "exact").is_err());
		assert!(with("f32:1,0", "exact").is_err());
		assert!(with("f32:1,8,8", "top_k").is_err());
		assert!(with("f32:1,8,8", "majority").is_err());
	}

	#[test]
	fn provider_register_parses_key_models_and_amounts() {
		let key = format!("0x{}", "11".repeat(32));
		let cli = parse([
			"infera",
			"--suri",
			"//Bob",
			"--url",
			"ws://127.0.0.1:1",
			"provider",
			"register",
			"--bond",
			"100INF",
			"--worker-url",
			"http://127.0.0.1:8700",
			"--worker-key",
			&key,
			"--models",
			"0,1",
			"--capacity",
			"3",
			"--price",
			"5000",
		])
		.unwrap();
		assert_eq!(cli.suri, "//Bob");
		match cli.command {
			Command::Provider(ProviderCmd::Register { bond, worker, models, capacity, price }) => {
				assert_eq!(bond, 100 * crate::spec::UNIT);
				assert_eq!(worker.worker_key, Some([0x11; 32]));
				assert_eq!(
					worker.source().unwrap(),
					WorkerKeySource::Worker {
						url: "http://127.0.0.1:8700".into(),
						token_file: None
					}
				);
				assert_eq!(models, vec![0, 1]);
				assert_eq!(capacity, 3);
				assert_eq!(price, 5000);
			}
			other => panic!("unexpected {other:?}"),
		}
		let short = parse([
			"infera",
			"provider",
			"register",
			"--bond",
			"1",
			"--worker-key",
			"0x12",
			"--models",
			"0",
			"--price",
			"1",
		]);
		assert!(short.is_err());
	}

	#[tokio::test]
	async fn a_worker_key_needs_a_proof_from_the_worker_or_its_key_file() {
		let key = format!("0x{}", "11".repeat(32));
		let register = |extra: &[&str]| {
			let mut args = vec!["infera", "--url", "ws://127.0.0.1:1", "provider", "register"];
			args.extend(["--bond", "1", "--models", "0", "--price", "1"]);
			args.extend(extra);
			parse(args)
		};
		// `--worker-key` alone parses, but is refused before connecting, naming both options.
		let alone = register(&["--worker-key", &key]).unwrap();
		let error = execute(&alone, |_| {}).await.unwrap_err().to_string();
		assert!(error.contains("--worker-key alone is not enough"), "{error}");
		assert!(error.contains("--worker-url URL") && error.contains("--worker-key-file FILE"));
		let none = register(&[]).unwrap();
		let error = execute(&none, |_| {}).await.unwrap_err().to_string();
		assert!(error.contains("--worker-url URL") && error.contains("--worker-key-file FILE"));
		// One source, not two.
		assert!(register(&["--worker-url", "http://w:1", "--worker-key-file", "w.key"]).is_err());
		let file = register(&["--worker-key-file", "w.key"]).unwrap();
		match file.command {
			Command::Provider(ProviderCmd::Register { worker, .. }) => assert_eq!(
				worker.source().unwrap(),
				WorkerKeySource::KeyFile(PathBuf::from("w.key"))
			),
			other => panic!("unexpected {other:?}"),
		}
		// Rotation takes the same options.
		let rotate =
			parse(["infera", "provider", "rotate-worker-key", "--worker-key-file", "w.key"]);
		match rotate.unwrap().command {
			Command::Provider(ProviderCmd::RotateWorkerKey { worker }) => assert_eq!(
				worker.source().unwrap(),
				WorkerKeySource::KeyFile(PathBuf::from("w.key"))
			),
			other => panic!("unexpected {other:?}"),
		}
		let rotate = parse(["infera", "provider", "rotate-worker-key", "--worker-key", &key]);
		match rotate.unwrap().command {
			Command::Provider(ProviderCmd::RotateWorkerKey { worker }) => {
				assert!(worker.source().is_err())
			}
			other => panic!("unexpected {other:?}"),
		}
	}

	#[tokio::test]
	async fn generating_a_worker_key_needs_no_node() {
		let folder = tempfile::tempdir().unwrap();
		let file = folder.path().join("worker.key");
		let file_arg = file.to_str().unwrap();
		// Nothing listens on port 1: a command that connected would fail.
		let cli =
			parse(["infera", "--url", "ws://127.0.0.1:1", "keys", "generate-worker", file_arg]);
		let output = execute(&cli.unwrap(), |_| {}).await.unwrap();
		assert!(file.is_file());
		assert_eq!(output.json["file"], json!(file_arg));
		let balance = parse(["infera", "--url", "ws://127.0.0.1:1", "balance"]).unwrap();
		assert!(execute(&balance, |_| {}).await.is_err(), "other commands need the node");
	}

	#[test]
	fn job_and_other_commands_parse() {
		let cli = parse([
			"infera",
			"job",
			"submit",
			"--model",
			"0",
			"--input",
			"x.bin",
			"--max-price",
			"1INF",
			"--redundancy",
			"3",
			"--wait",
		])
		.unwrap();
		match cli.command {
			Command::Job(JobCmd::Submit { model, max_price, redundancy, wait, .. }) => {
				assert_eq!(
					(model, max_price, redundancy, wait),
					(0, crate::spec::UNIT, Some(3), true)
				);
			}
			other => panic!("unexpected {other:?}"),
		}
		let cli = parse(["infera", "job", "submit", "--model", "0", "--input", "x"]).unwrap();
		match cli.command {
			Command::Job(JobCmd::Submit { max_price, redundancy, wait, .. }) => {
				assert_eq!((max_price, redundancy, wait), (u128::MAX, None, false));
			}
			other => panic!("unexpected {other:?}"),
		}
		assert!(matches!(
			parse(["infera", "job", "show", "7"]).unwrap().command,
			Command::Job(JobCmd::Show { id: 7 })
		));
		assert!(matches!(
			parse(["infera", "provider", "unbond", "10INF"]).unwrap().command,
			Command::Provider(ProviderCmd::Unbond { amount }) if amount == 10 * crate::spec::UNIT
		));
		assert!(matches!(
			parse(["infera", "balance", "//Bob"]).unwrap().command,
			Command::Balance { account: Some(_) }
		));
		assert!(parse(["infera", "job", "show", "x"]).is_err());
		assert!(matches!(
			parse(["infera", "gov", "propose-upgrade", "runtime.compact.compressed.wasm"])
				.unwrap()
				.command,
			Command::Gov(GovCmd::ProposeUpgrade { wasm }) if wasm.ends_with("runtime.compact.compressed.wasm")
		));
		assert!(parse(["infera", "gov", "propose-upgrade"]).is_err());
	}

	#[test]
	fn accounts_parse_from_uri_hex_and_ss58() {
		let bob = parse_account("//Bob").unwrap();
		assert_eq!(parse_account(&bob.to_string()).unwrap(), bob);
		assert_eq!(parse_account(&format!("0x{}", hex::encode(bob.0))).unwrap(), bob);
		assert!(parse_account("not-an-address").is_err());
	}
}
