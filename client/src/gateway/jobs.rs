//! Running jobs for the gateway: one signer shared by every request, with its nonces kept
//! here, and the wait for a job's settlement at finalized blocks.
//!
//! Nonces: the next one is kept in memory and handed out under a lock that also covers
//! signing and submission, so the pool receives them in order however many requests arrive at
//! once. When the pool refuses or drops a transaction, the next nonce is read again from the
//! node (`system_accountNextIndex`, which counts the pool).
//!
//! A request whose client goes away does not leak escrow: the job runs in its own task, which
//! follows it to settlement whatever happens to the HTTP request, and the chain's rules pay or
//! refund it.

use super::{error::GatewayError, follower::Follower};
use crate::{
	chain::{Chain, Job, TxEvents},
	runtime::infera::{self, runtime_types::bounded_collections::bounded_vec::BoundedVec},
};
use infera_primitives::{
	market::{rpc_error::UNKNOWN_JOB, Quote},
	JobId, ModelId,
};
use std::time::{Duration, Instant};
use subxt::{
	config::SubstrateExtrinsicParamsBuilder,
	error::{DispatchError, TransactionEventsError},
	rpcs::rpc_params,
	transactions::{Payload, TransactionStatus},
	utils::AccountId32,
	SubstrateConfig,
};
use subxt_signer::sr25519::Keypair;
use tokio::sync::Mutex;

/// Blocks a gateway transaction stays valid: one that is not in a block by then is dropped
/// rather than landing long after its request gave up.
const MORTALITY_BLOCKS: u64 = 64;

/// The account that pays for the gateway's jobs, with its nonces.
pub struct Signer {
	key: Keypair,
	/// The paying account.
	pub account: AccountId32,
	next_nonce: Mutex<Option<u64>>,
}

/// A submitted job.
#[derive(Clone, Debug)]
pub struct Submitted {
	/// Its id.
	pub job_id: JobId,
	/// Its providers.
	pub providers: Vec<AccountId32>,
	/// What is held for it.
	pub price: u128,
	/// Its first deadline.
	pub deadline: u32,
}

impl Signer {
	/// A signer for `key`.
	pub fn new(key: Keypair) -> Self {
		let account = crate::chain::account_of(&key);
		Signer { key, account, next_nonce: Mutex::new(None) }
	}

	/// The account's free balance.
	pub async fn free_balance(&self, chain: &Chain) -> Result<u128, GatewayError> {
		Ok(chain.balance(&self.account).await?.free)
	}

	/// Submits a job for `model` with `input`, paying at most `quote.total` (the price quoted at
	/// the best block; a price rise in between fails with the chain's error). Checks first that
	/// the account can pay the price and the fee, so a broke account costs nothing.
	pub async fn submit_job(
		&self,
		chain: &Chain,
		model: ModelId,
		input: Vec<u8>,
		quote: &Quote<u128>,
	) -> Result<Submitted, GatewayError> {
		let call = infera::tx().job_escrow().submit_job(
			model,
			BoundedVec(input),
			quote.total,
			Some(quote.redundancy),
		);
		let events = self.send(chain, &call, quote.total).await?;
		let submitted = events
			.find_first::<infera::job_escrow::events::JobSubmitted>()
			.transpose()
			.map_err(|e| GatewayError::Chain(e.to_string()))?
			.ok_or_else(|| GatewayError::Chain("no JobSubmitted event".into()))?;
		Ok(Submitted {
			job_id: submitted.job_id,
			providers: submitted.providers.0,
			price: submitted.price,
			deadline: submitted.deadline,
		})
	}

	/// Signs `call` at the next nonce, submits it and waits until it is in a block; `spends` is
	/// what the call holds beyond its fee (for the balance check).
	async fn send<Call: Payload>(
		&self,
		chain: &Chain,
		call: &Call,
		spends: u128,
	) -> Result<TxEvents, GatewayError> {
		let mut progress = {
			let mut next = self.next_nonce.lock().await;
			let nonce = match *next {
				Some(n) => n,
				None => self.pool_nonce(chain).await?,
			};
			let at = chain.client.at_current_block().await?;
			let params = SubstrateExtrinsicParamsBuilder::<SubstrateConfig>::new()
				.nonce(nonce)
				.mortal_from_unchecked(MORTALITY_BLOCKS, at.block_number(), at.block_hash())
				.build();
			let tx = at
				.transactions()
				.create_signable_offline(call, params)
				.and_then(|mut s| s.sign(&self.key))
				.map_err(|e| GatewayError::Chain(format!("signing: {e}")))?;
			let fee =
				tx.partial_fee_estimate().await.map_err(|e| GatewayError::Chain(e.to_string()))?;
			let available = self.free_balance(chain).await?;
			let needed = spends.saturating_add(fee);
			if available < needed {
				return Err(GatewayError::InsufficientBalance { needed, available });
			}
			match tx.submit_and_watch().await {
				Ok(progress) => {
					*next = Some(nonce + 1);
					progress
				}
				Err(e) => {
					*next = None;
					return Err(GatewayError::Chain(format!("the pool refused the job: {e}")));
				}
			}
		};
		while let Some(status) = progress.next().await {
			match status.map_err(|e| GatewayError::Chain(e.to_string()))? {
				TransactionStatus::InBestBlock(b) | TransactionStatus::InFinalizedBlock(b) => {
					return b.wait_for_success().await.map_err(dispatch_error);
				}
				TransactionStatus::Error { message }
				| TransactionStatus::Invalid { message }
				| TransactionStatus::Dropped { message } => {
					*self.next_nonce.lock().await = None;
					return Err(GatewayError::Chain(format!(
						"the job's transaction failed: {message}"
					)));
				}
				TransactionStatus::Validated
				| TransactionStatus::Broadcasted
				| TransactionStatus::NoLongerInBestBlock => {}
			}
		}
		Err(GatewayError::Chain("the transaction's status stream ended early".into()))
	}

	/// The account's next nonce, counting transactions in the pool.
	async fn pool_nonce(&self, chain: &Chain) -> Result<u64, GatewayError> {
		chain
			.market::<u64>("system_accountNextIndex", rpc_params![self.account.to_string()])
			.await
			.map_err(GatewayError::from)
	}
}

/// A failed dispatch by its `Pallet::Error` name and documentation.
fn dispatch_error(e: TransactionEventsError) -> GatewayError {
	match &e {
		TransactionEventsError::ExtrinsicFailed(DispatchError::Module(m)) => match m.details() {
			Ok(d) => GatewayError::Dispatch {
				name: format!("{}::{}", d.pallet.name(), d.variant.name),
				docs: d.variant.docs.join(" ").trim().to_string(),
			},
			Err(_) => GatewayError::Dispatch { name: "Module".into(), docs: m.to_string() },
		},
		TransactionEventsError::ExtrinsicFailed(d) => {
			GatewayError::Dispatch { name: "Dispatch".into(), docs: d.to_string() }
		}
		_ => GatewayError::Chain(e.to_string()),
	}
}

/// Waits until job `job_id` settles (at a finalized block), for at most `timeout`.
pub async fn wait_settled(
	chain: &Chain,
	follower: &Follower,
	job_id: JobId,
	timeout: Duration,
) -> Result<Job, GatewayError> {
	let started = Instant::now();
	let mut tips = follower.tips();
	loop {
		let tip = *tips.borrow_and_update();
		if let Some(tip) = tip {
			match chain.rpc.request::<Job>("market_job", rpc_params![job_id, tip.hash]).await {
				Ok(job) if job.status.finished_at().is_some() => return Ok(job),
				Ok(_) => {}
				// Submitted in a best block that is not finalized yet.
				Err(subxt::rpcs::Error::User(e)) if e.code == UNKNOWN_JOB => {}
				Err(e) => return Err(GatewayError::Chain(e.to_string())),
			}
		}
		let left = timeout.saturating_sub(started.elapsed());
		if left.is_zero() || tokio::time::timeout(left, tips.changed()).await.is_err() {
			return Err(GatewayError::StillOpen { job_id, waited_secs: timeout.as_secs() });
		}
	}
}
