//! The `infera` command tree and its execution. [`execute`] returns an [`Output`] — a text for
//! people and a JSON value for scripts — so `main.rs` only parses and prints.
//!
//! One module per actor: [`model`] (authors), [`provider`] (providers), [`job`] (users), [`gov`]
//! (token holders), [`keys`] (keys and tokens); [`render`] turns chain state into text.

pub mod gov;
pub mod job;
pub mod keys;
pub mod model;
pub mod provider;
pub mod render;
#[cfg(test)]
mod tests;

pub use gov::GovCmd;
pub use job::JobCmd;
pub use keys::KeysCmd;
pub use model::{ModelCmd, ModelEntryArgs};
pub use provider::{ProviderCmd, WorkerKeyArgs};
pub use render::*;

use crate::{
	chain::{account_of, keypair, parse_account, Chain, JobUpdate},
	spec::format_amount,
};
use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use serde_json::json;
use std::{path::PathBuf, time::Duration};

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
	/// Address to listen on. Without `--token-file`, whoever reaches it spends the signing
	/// account: keep it on loopback.
	#[arg(long, default_value = "127.0.0.1:8000")]
	pub listen: std::net::SocketAddr,
	/// File holding the token (at least 32 characters; `infera keys worker-token --out <file>`
	/// makes one) that every request spending the account (every POST) must present as
	/// `Authorization: Bearer <token>`.
	#[arg(long)]
	pub token_file: Option<std::path::PathBuf>,
	/// Providers per job (default: the chain's default redundancy).
	#[arg(long)]
	pub redundancy: Option<u32>,
	/// Seconds a request waits for its job to settle before answering 504 (the job still
	/// settles by the chain's rules).
	#[arg(long, default_value_t = 300)]
	pub timeout_secs: u64,
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

/// What every command runs with: the node, the signing account's secret and the output mode.
pub(crate) struct Session<'a> {
	/// The node.
	pub chain: Chain,
	/// The signing account's secret URI.
	pub secret: String,
	/// Machine-readable output.
	pub json: bool,
	/// The node's URL.
	pub url: &'a str,
}

impl Session<'_> {
	/// The signing account.
	pub fn signer(&self) -> Result<subxt_signer::sr25519::Keypair> {
		keypair(&self.secret)
	}

	/// Reports a followed job's change: a JSON line or a sentence.
	pub fn report(&self, u: &JobUpdate, progress: &mut dyn FnMut(String)) {
		if self.json {
			progress(serde_json::to_string(u).unwrap_or_default())
		} else {
			progress(describe_update(u))
		}
	}
}

/// Runs `cli`'s command; `progress` receives each change of a followed job as it happens.
pub async fn execute(cli: &Cli, mut progress: impl FnMut(String)) -> Result<Output> {
	// Key generation needs no node.
	if let Command::Keys(KeysCmd::GenerateWorker { file }) = &cli.command {
		return keys::generate_worker_key(file);
	}
	if let Command::Keys(KeysCmd::WorkerToken { out }) = &cli.command {
		return keys::generate_worker_token(out);
	}
	// A missing worker-key proof is reported before connecting.
	if let Command::Provider(
		ProviderCmd::Register { worker, .. } | ProviderCmd::RotateWorkerKey { worker },
	) = &cli.command
	{
		worker.source()?;
	}
	let s = Session {
		chain: Chain::connect(&cli.url).await?,
		secret: cli.secret()?,
		json: cli.json,
		url: &cli.url,
	};
	Ok(match &cli.command {
		Command::Model(cmd) => model::run(&s, cmd).await?,
		Command::Provider(cmd) => provider::run(&s, cmd).await?,
		Command::Job(cmd) => job::run(&s, cmd, &mut progress).await?,
		Command::Gov(cmd) => gov::run(&s, cmd).await?,
		Command::Keys(cmd) => keys::run(&s, cmd).await?,
		Command::Gateway(args) => {
			let config = crate::gateway::Config {
				redundancy: args.redundancy,
				timeout: Duration::from_secs(args.timeout_secs),
				token: args.token_file.as_deref().map(crate::gateway::load_token).transpose()?,
			};
			let signer = s.signer()?;
			let gateway = crate::gateway::Gateway::start(s.chain, signer, config);
			crate::gateway::serve(gateway, args.listen).await?;
			Output::new("gateway stopped", json!({ "stopped": true }))
		}
		Command::Balance { account } => {
			let account = match account {
				Some(a) => parse_account(a)?,
				None => account_of(&s.signer()?),
			};
			let b = s.chain.balance(&account).await?;
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
