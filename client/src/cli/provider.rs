//! `infera provider …`: the provider's commands (stake, terms, worker key, operator).

use super::{render::*, Output, Session};
use crate::{
	chain::{account_of, parse_account, Chain},
	keys::{ProvenWorkerKey, WorkerKeySource},
	runtime::infera,
	spec::{parse_amount, parse_hex32, parse_ids},
};
use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;

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

pub(super) async fn run(s: &Session<'_>, cmd: &ProviderCmd) -> Result<Output> {
	Ok(match cmd {
		ProviderCmd::Register { bond, worker, models, capacity, price } => {
			let key = s.signer()?;
			let worker = worker.prove(&s.chain, &key).await?;
			s.chain.register_provider(&key, *bond, &worker, models, *capacity, *price).await?;
			let view = s.chain.provider(&account_of(&key)).await?;
			Output::new(
				format!("registered provider\n{}", describe_provider(&view)),
				serde_json::to_value(&view)?,
			)
		}
		ProviderCmd::RotateWorkerKey { worker } => {
			let key = s.signer()?;
			let worker = worker.prove(&s.chain, &key).await?;
			s.chain.rotate_worker_key(&key, &worker).await?;
			let view = s.chain.provider(&account_of(&key)).await?;
			Output::new(
				format!("worker key rotated\n{}", describe_provider(&view)),
				serde_json::to_value(&view)?,
			)
		}
		ProviderCmd::SetOperator { operator, clear: _ } => {
			let key = s.signer()?;
			let operator = operator.as_deref().map(parse_account).transpose()?;
			s.chain.submit(&infera::tx().provider_staking().set_operator(operator), &key).await?;
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
		ProviderCmd::RenounceOperator => {
			let key = s.signer()?;
			s.chain.submit(&infera::tx().provider_staking().renounce_operator(), &key).await?;
			let text = format!("{} no longer operates for any provider", account_of(&key));
			Output::new(text, serde_json::json!({ "operator": account_of(&key).to_string() }))
		}
		ProviderCmd::Show { account } => {
			let account = match account {
				Some(a) => parse_account(a)?,
				None => account_of(&s.signer()?),
			};
			let view = s.chain.provider(&account).await?;
			Output::new(describe_provider(&view), serde_json::to_value(&view)?)
		}
		cmd => {
			let key = s.signer()?;
			let staking = infera::tx().provider_staking();
			let what = match cmd {
				ProviderCmd::Unbond { amount } => {
					s.chain.submit(&staking.unbond(*amount), &key).await?;
					"unbonding"
				}
				ProviderCmd::Bond { amount } => {
					s.chain.submit(&staking.bond_extra(*amount), &key).await?;
					"bonded"
				}
				ProviderCmd::SetModels { models } => {
					s.chain.submit(&staking.set_models(models.clone()), &key).await?;
					"models set"
				}
				ProviderCmd::SetPrice { price } => {
					s.chain.submit(&staking.set_price(*price), &key).await?;
					"price set"
				}
				ProviderCmd::SetCapacity { capacity } => {
					s.chain.submit(&staking.set_capacity(*capacity), &key).await?;
					"capacity set"
				}
				ProviderCmd::Withdraw => {
					s.chain.submit(&staking.withdraw_unbonded(), &key).await?;
					"withdrawn"
				}
				ProviderCmd::Offline => {
					s.chain.submit(&staking.go_offline(), &key).await?;
					"offline"
				}
				ProviderCmd::Online => {
					s.chain.submit(&staking.go_online(), &key).await?;
					"online"
				}
				ProviderCmd::Register { .. }
				| ProviderCmd::RotateWorkerKey { .. }
				| ProviderCmd::Show { .. }
				| ProviderCmd::SetOperator { .. }
				| ProviderCmd::RenounceOperator => unreachable!("handled above"),
			};
			let view = s.chain.provider(&account_of(&key)).await?;
			Output::new(
				format!("{what}\n{}", describe_provider(&view)),
				serde_json::to_value(&view)?,
			)
		}
	})
}
