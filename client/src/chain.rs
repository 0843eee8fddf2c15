//! Talking to an Infera node: signed calls, storage reads and runtime API calls, through the
//! calls, storage addresses, runtime APIs and events subxt generated from the checked-in
//! metadata ([`crate::runtime`]), so a renamed pallet, call or entry fails to compile, not at run
//! time. Models, providers and jobs are read as the marketplace API's views, the primitives'
//! own types, which the runtime assembles; every read has a form at a given block (`*_at`),
//! which the end-to-end tests share.

use crate::{
	keys::ProvenWorkerKey,
	runtime::infera,
	spec::{describe_output, top_k_indices, AgreementRule, TensorSpec},
};
use anyhow::{anyhow, bail, Context, Result};
use infera_primitives::market::{MAX_PAGE, MAX_SCANNED_IDS};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use subxt::rpcs::RpcClient;
use subxt::{
	error::{DispatchError, TransactionEventsError, TransactionFinalizedSuccessError},
	transactions::TransactionStatus,
	utils::{AccountId32, MultiAddress, Static},
	OnlineClient, SubstrateConfig,
};
use subxt_signer::{sr25519::Keypair, SecretUri};

/// Model ids on chain.
pub type ModelId = u32;
/// Job ids on chain.
pub type JobId = u64;
/// Balances on chain.
pub type Balance = u128;

/// A client of an Infera node.
pub type Client = OnlineClient<SubstrateConfig>;

/// The events of one successful transaction.
pub type TxEvents = subxt::extrinsics::ExtrinsicEvents<SubstrateConfig>;

/// Parses a secret URI (`//Alice`, a mnemonic, `0x` seed) into an sr25519 key pair.
pub fn keypair(suri: &str) -> Result<Keypair> {
	let uri = suri.parse::<SecretUri>().map_err(|e| anyhow!("bad secret URI: {e:?}"))?;
	Keypair::from_uri(&uri).map_err(|e| anyhow!("bad secret URI `{suri}`: {e:?}"))
}

/// Parses an account: SS58 address, `0x` 32-byte hex public key, or a secret URI (`//Bob`).
pub fn parse_account(s: &str) -> Result<AccountId32> {
	let s = s.trim();
	if s.starts_with("//") || s.contains(' ') {
		return Ok(keypair(s)?.public_key().to_account_id());
	}
	if s.starts_with("0x") {
		return Ok(AccountId32(crate::spec::parse_hex32(s)?));
	}
	s.parse::<AccountId32>().map_err(|e| anyhow!("`{s}` is not an SS58 address: {e:?}"))
}

/// Account of a key pair.
pub fn account_of(key: &Keypair) -> AccountId32 {
	key.public_key().to_account_id()
}

fn hex32(d: &[u8; 32]) -> String {
	format!("0x{}", hex::encode(d))
}

// ---------------------------------------------------------------------------------------------
// What the client reads: the marketplace API's views (`infera_primitives::market`), which the
// runtime assembles, read through the generated runtime API calls at any block.

pub use infera_primitives::{
	attestation::RefusalReason,
	job::{Answer, FailureReason},
};

/// A model version: spec, rule, fee, lineage, deposit and open jobs.
pub type Model = infera_primitives::market::ModelView<AccountId32, Balance>;
/// A provider: worker key, operator, stake and unbonding chunks, terms and record.
pub type Provider = infera_primitives::market::ProviderView<AccountId32, Balance, u32>;
/// A job: its terms fixed at submission, providers and their answers, status and result.
pub type Job = infera_primitives::market::JobView<AccountId32, Balance, u32>;
/// Stake waiting for its unlock block.
pub type UnlockChunk = infera_primitives::market::UnlockChunk<Balance, u32>;
/// Where a job is, at the chain's block numbers.
pub type JobStatus = infera_primitives::job::JobStatus<u32>;
/// One provider of a job: its price and what it sent.
pub type Assignment = infera_primitives::job::Assignment<AccountId32, Balance>;
/// The balances of an account (`System::Account`'s data), as the chain stores them.
pub type AccountData = infera::runtime_types::pallet_balances::types::AccountData<Balance>;
/// A stake ledger (`ProviderStaking::Ledgers`), as the chain stores it.
pub type Ledger = infera::runtime_types::pallet_provider_staking::StakeLedger;

/// An account as `provider show` reports it: the provider it is, or the stake it still has
/// unbonding after leaving the provider set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProviderStatus {
	/// The account.
	pub account: AccountId32,
	/// The provider, while registered.
	pub provider: Option<Provider>,
	/// Stake still unbonding after `deregister` (empty while registered: the provider's own
	/// `unlocking` lists it).
	pub leaving: Vec<UnlockChunk>,
}

/// The short name of a job's state (`pending`, `revealing`, `completed`, …).
pub fn status_name(status: &JobStatus) -> &'static str {
	match status {
		JobStatus::Pending { .. } => "pending",
		JobStatus::Revealing { .. } => "revealing",
		JobStatus::Completed { .. } => "completed",
		JobStatus::Refused { .. } => "refused",
		JobStatus::Failed { .. } => "failed",
		JobStatus::Cancelled { .. } => "cancelled",
	}
}

/// What a provider has sent, for people: `pending`, `committed` or `answered 0x1234…`.
pub fn answer_text(answer: &Answer) -> String {
	match answer {
		Answer::Pending => "pending".into(),
		Answer::Committed(_) => "committed".into(),
		Answer::Revealed(h) => format!("answered {}", &hex32(h)[..18]),
	}
}

/// A job as `job show` reports it: the chain's view, with its state's name and its output
/// described under the model's rule.
#[derive(Clone, Debug, Serialize)]
pub struct JobShow {
	/// The name of its state (`completed`, `failed`, …), for scripts.
	pub state: &'static str,
	/// The job.
	#[serde(flatten)]
	pub job: Job,
	/// Human-readable output under the model's rule, once completed.
	pub output_text: Option<String>,
	/// Top-k indices, for `TopK` models.
	pub top_k: Option<Vec<u32>>,
}

// ---------------------------------------------------------------------------------------------
// Events the client reads.

/// What `submit_job` returned.
#[derive(Clone, Debug, Serialize)]
pub struct Submitted {
	/// New job id.
	pub job_id: JobId,
	/// Assigned providers.
	pub providers: Vec<AccountId32>,
	/// Total held from the user.
	pub price: Balance,
	/// First block at which the result is late.
	pub deadline: u32,
	/// Hash of the submitting transaction.
	pub extrinsic: String,
}

/// Settlement of a completed job (`JobEscrow::JobCompleted`).
#[derive(Clone, Debug, Serialize)]
pub struct Completed {
	/// Providers that gave the winning answer.
	pub winners: u32,
	/// What each was paid.
	pub share: Balance,
}

/// A state change of a followed job.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum JobUpdate {
	/// The providers that must answer.
	Assigned {
		/// Job.
		job_id: JobId,
		/// Providers.
		providers: Vec<AccountId32>,
		/// Block.
		block: u32,
	},
	/// A provider committed or answered.
	Answered {
		/// Job.
		job_id: JobId,
		/// Provider.
		provider: AccountId32,
		/// What it sent.
		answer: Answer,
		/// Block.
		block: u32,
	},
	/// The reveal phase opened.
	Revealing {
		/// Job.
		job_id: JobId,
		/// Block.
		block: u32,
	},
	/// Settled.
	Settled {
		/// Job.
		job_id: JobId,
		/// Final record and output.
		job: Box<JobShow>,
		/// Payment, if completed.
		paid: Option<Completed>,
	},
}

// ---------------------------------------------------------------------------------------------

/// Connection to one node.
pub struct Chain {
	/// The subxt client.
	pub client: Client,
	/// The same connection, for the node's own JSON-RPC methods (`market_*`).
	pub rpc: RpcClient,
}

impl Chain {
	/// Connects to `url` (`ws://` allowed).
	pub async fn connect(url: &str) -> Result<Chain> {
		let unreachable =
			|| format!("cannot connect to the node at {url}: is it running, and is the URL right?");
		let rpc = RpcClient::from_insecure_url(url).await.with_context(unreachable)?;
		let client = Client::from_rpc_client(rpc.clone()).await.with_context(unreachable)?;
		Ok(Chain { client, rpc })
	}

	/// Calls the node's JSON-RPC method `method` (such as `market_quote`) with `params`.
	pub async fn market<T: serde::de::DeserializeOwned>(
		&self,
		method: &str,
		params: subxt::rpcs::client::RpcParams,
	) -> Result<T> {
		self.rpc.request(method, params).await.map_err(|e| match e {
			subxt::rpcs::Error::User(e) => anyhow!("{method}: {} (error {})", e.message, e.code),
			e => anyhow!("{method}: {e}"),
		})
	}

	/// Signs `call` with `signer`, submits it and waits until it is in a finalized block;
	/// dispatch errors are reported with their pallet error names (`JobEscrow::NotEnoughProviders`).
	pub async fn submit<Call: subxt::transactions::Payload>(
		&self,
		call: &Call,
		signer: &Keypair,
	) -> Result<TxEvents> {
		let progress = self.sign_and_watch(call, signer).await?;
		progress.wait_for_finalized_success().await.map_err(describe_tx_error)
	}

	/// Submits `call` and waits until it is in a best block (not finalized): faster, for calls
	/// whose success the caller checks later.
	pub async fn submit_in_block<Call: subxt::transactions::Payload>(
		&self,
		call: &Call,
		signer: &Keypair,
	) -> Result<TxEvents> {
		let mut progress = self.sign_and_watch(call, signer).await?;
		while let Some(status) = progress.next().await {
			match status.map_err(|e| anyhow!("{e}"))? {
				TransactionStatus::InBestBlock(b) | TransactionStatus::InFinalizedBlock(b) => {
					return b.wait_for_success().await.map_err(|e| {
						describe_tx_error(TransactionFinalizedSuccessError::SuccessError(e))
					});
				}
				TransactionStatus::Error { message }
				| TransactionStatus::Invalid { message }
				| TransactionStatus::Dropped { message } => bail!("transaction failed: {message}"),
				_ => {}
			}
		}
		bail!("transaction status stream ended early")
	}

	/// Signs `call` with `signer` at the latest finalized block's nonce and submits it,
	/// returning its progress.
	async fn sign_and_watch<Call: subxt::transactions::Payload>(
		&self,
		call: &Call,
		signer: &Keypair,
	) -> Result<
		subxt::transactions::TransactionProgress<
			SubstrateConfig,
			subxt::client::OnlineClientAtBlockImpl<SubstrateConfig>,
		>,
	> {
		self.client
			.at_current_block()
			.await?
			.transactions()
			.sign_and_submit_then_watch_default(call, signer)
			.await
			.map_err(|e| anyhow!("transaction refused: {e}"))
	}

	// --- model registry ---------------------------------------------------------------------

	/// Registers a model named `name` with `entry` as `signer`; returns its id.
	pub async fn register_model(
		&self,
		signer: &Keypair,
		name: &str,
		entry: &ModelEntry,
	) -> Result<ModelId> {
		let (hash, uri, input, output, rule, fee) = entry.call_args();
		let registry = infera::tx().model_registry();
		let call = registry.register_model(name.into(), hash, uri, input, output, rule, fee);
		let events = self.submit(&call, signer).await?;
		Ok(first_event::<infera::model_registry::events::ModelRegistered>(&events)?.model)
	}

	/// Publishes `entry` as the next version of `predecessor` as `signer`; returns its id.
	pub async fn publish_version(
		&self,
		signer: &Keypair,
		predecessor: ModelId,
		entry: &ModelEntry,
	) -> Result<ModelId> {
		let (hash, uri, input, output, rule, fee) = entry.call_args();
		let registry = infera::tx().model_registry();
		let call = registry.publish_version(predecessor, hash, uri, input, output, rule, fee);
		let events = self.submit(&call, signer).await?;
		Ok(first_event::<infera::model_registry::events::VersionPublished>(&events)?.model)
	}

	/// A model version.
	pub async fn model(&self, id: ModelId) -> Result<Option<Model>> {
		model_at(&self.client.at_current_block().await?, id).await
	}

	/// Every model, by id.
	pub async fn models(&self) -> Result<Vec<Model>> {
		models_at(&self.client.at_current_block().await?).await
	}

	// --- provider staking -------------------------------------------------------------------

	/// The chain's genesis hash: what worker-key proofs and attestations are bound to.
	pub fn genesis_hash(&self) -> [u8; 32] {
		self.client.genesis_hash().0
	}

	/// Registers `signer` as a provider with `worker`'s key, whose proof must be for `signer`
	/// on this chain ([`crate::keys::prove_worker_key`]).
	pub async fn register_provider(
		&self,
		signer: &Keypair,
		bond: Balance,
		worker: &ProvenWorkerKey,
		models: &[ModelId],
		capacity: u32,
		price: Balance,
	) -> Result<()> {
		let call = infera::tx().provider_staking().register_provider(
			bond,
			worker.worker,
			worker.proof,
			models.to_vec(),
			capacity,
			price,
		);
		self.submit(&call, signer).await?;
		Ok(())
	}

	/// Replaces `signer`'s worker key by `worker`'s, whose proof must be for `signer` on this
	/// chain.
	pub async fn rotate_worker_key(
		&self,
		signer: &Keypair,
		worker: &ProvenWorkerKey,
	) -> Result<()> {
		let call = infera::tx().provider_staking().rotate_worker_key(worker.worker, worker.proof);
		self.submit(&call, signer).await?;
		Ok(())
	}

	/// A provider, or the stake an account still has unbonding after leaving.
	pub async fn provider(&self, account: &AccountId32) -> Result<ProviderStatus> {
		let at = self.client.at_current_block().await?;
		let provider = provider_at(&at, account).await?;
		let leaving = match provider {
			Some(_) => Vec::new(),
			None => ledger_at(&at, account)
				.await?
				.map(|ledger| ledger.unbonding.0.into_iter().map(|chunk| chunk.0).collect())
				.unwrap_or_default(),
		};
		Ok(ProviderStatus { account: *account, provider, leaving })
	}

	// --- jobs -------------------------------------------------------------------------------

	/// Submits a job as `signer`.
	pub async fn submit_job(
		&self,
		signer: &Keypair,
		model: ModelId,
		input: &[u8],
		max_price: Balance,
		redundancy: Option<u32>,
	) -> Result<Submitted> {
		let input =
			infera::runtime_types::bounded_collections::bounded_vec::BoundedVec(input.to_vec());
		let call = infera::tx().job_escrow().submit_job(model, input, max_price, redundancy);
		let events = self.submit(&call, signer).await?;
		let ev = first_event::<infera::job_escrow::events::JobSubmitted>(&events)?;
		Ok(Submitted {
			job_id: ev.job_id,
			providers: ev.providers.0,
			price: ev.price,
			deadline: ev.deadline,
			extrinsic: format!("{:?}", events.extrinsic_hash()),
		})
	}

	/// A job, with its result once completed.
	pub async fn job(&self, id: JobId) -> Result<Option<Job>> {
		job_at(&self.client.at_current_block().await?, id).await
	}

	/// A job with its output described under its model's rule.
	pub async fn job_show(&self, id: JobId) -> Result<Option<JobShow>> {
		let at = self.client.at_current_block().await?;
		let Some(job) = job_at(&at, id).await? else { return Ok(None) };
		Ok(Some(show_at(&at, job).await?))
	}

	/// The `JobCompleted` event of `id` in block `at` (the settlement block).
	pub async fn completion(&self, id: JobId, at: u32) -> Result<Option<Completed>> {
		let block = self.client.at_block(at).await?;
		let events = block.events().fetch().await?;
		for ev in events.iter() {
			let ev = ev?;
			if let Some(completed) =
				ev.decode_fields_as::<infera::job_escrow::events::JobCompleted>()
			{
				let completed = completed?;
				if completed.job_id == id {
					let (winners, share) = (completed.winners, completed.share);
					return Ok(Some(Completed { winners, share }));
				}
			}
		}
		Ok(None)
	}

	/// Follows job `id` until it settles (or `timeout` passes), calling `on_update` with each
	/// change seen at finalized blocks; returns the final view.
	pub async fn follow_job(
		&self,
		id: JobId,
		timeout: Duration,
		mut on_update: impl FnMut(&JobUpdate),
	) -> Result<JobShow> {
		let deadline = std::time::Instant::now() + timeout;
		let mut seen_answers: Vec<Answer> = Vec::new();
		let mut announced = false;
		let mut revealing = false;
		loop {
			let at = self.client.at_current_block().await?;
			let job = job_at(&at, id).await?.with_context(|| format!("job {id} not found"))?;
			// A change first seen after settlement happened by the settlement block at the latest
			// (redundancy 1 answers settle in their own block).
			let block = job.status.finished_at().unwrap_or(at.block_number() as u32);
			if !announced {
				announced = true;
				on_update(&JobUpdate::Assigned {
					job_id: id,
					providers: job.assignments.iter().map(|a| a.provider).collect(),
					block: job.submitted_at,
				});
			}
			// An audit adds the auditor to the assignments after submission.
			seen_answers.resize(job.assignments.len(), Answer::Pending);
			for (i, a) in job.assignments.iter().enumerate() {
				if seen_answers.get(i) != Some(&a.answer) && a.answer != Answer::Pending {
					on_update(&JobUpdate::Answered {
						job_id: id,
						provider: a.provider,
						answer: a.answer,
						block,
					});
					if let Some(s) = seen_answers.get_mut(i) {
						*s = a.answer;
					}
				}
			}
			if matches!(job.status, JobStatus::Revealing { .. }) && !revealing {
				revealing = true;
				on_update(&JobUpdate::Revealing { job_id: id, block });
			}
			if job.status.finished_at().is_some() {
				let status = job.status;
				let view = show_at(&at, job).await?;
				let paid = match status {
					JobStatus::Completed { at, .. } => self.completion(id, at).await.ok().flatten(),
					JobStatus::Pending { .. }
					| JobStatus::Revealing { .. }
					| JobStatus::Refused { .. }
					| JobStatus::Failed { .. }
					| JobStatus::Cancelled { .. } => None,
				};
				on_update(&JobUpdate::Settled { job_id: id, job: Box::new(view.clone()), paid });
				return Ok(view);
			}
			if std::time::Instant::now() > deadline {
				bail!("job {id} still {} after {timeout:?}", status_name(&job.status));
			}
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	}

	// --- balances ---------------------------------------------------------------------------

	/// Balances of `account`.
	pub async fn balance(&self, account: &AccountId32) -> Result<AccountData> {
		balance_at(&self.client.at_current_block().await?, account).await
	}

	/// Transfers `amount` to `dest` (keep-alive).
	pub async fn transfer(
		&self,
		signer: &Keypair,
		dest: &AccountId32,
		amount: Balance,
	) -> Result<()> {
		let call = infera::tx().balances().transfer_keep_alive(MultiAddress::Id(*dest), amount);
		self.submit(&call, signer).await?;
		Ok(())
	}
}

/// The arguments a model entry and a new version share: artifact, specs, rule and fee.
/// What a model entry and each new version of it register: the artifact's blake2-256 and
/// where workers fetch it, the tensor specs, the agreement rule and the author's fee.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelEntry {
	/// blake2-256 of the TorchScript artifact.
	pub artifact_hash: [u8; 32],
	/// Where workers fetch the artifact (`file://`, `http://`, `https://`).
	pub uri: String,
	/// Input tensor spec.
	pub input: TensorSpec,
	/// Output tensor spec.
	pub output: TensorSpec,
	/// How redundant answers are compared.
	pub rule: AgreementRule,
	/// Fee per inference paid to the author.
	pub fee: Balance,
}

/// The registry calls' arguments after the first (name or predecessor): artifact hash, URI,
/// input and output specs, rule and fee, as the generated calls take them.
type EntryArgs =
	([u8; 32], Vec<u8>, Static<TensorSpec>, Static<TensorSpec>, Static<AgreementRule>, Balance);

impl ModelEntry {
	fn call_args(&self) -> EntryArgs {
		(
			self.artifact_hash,
			self.uri.as_bytes().to_vec(),
			Static(self.input.clone()),
			Static(self.output.clone()),
			Static(self.rule),
			self.fee,
		)
	}
}

// ---------------------------------------------------------------------------------------------
// Reads at one block, shared by `Chain` (at the latest finalized block) and the end-to-end tests.

/// A client at one block.
pub type AtBlock = subxt::OnlineClientAtBlock<SubstrateConfig>;

/// `job`, read at `at`, with its output described under its model's rule at `at`.
async fn show_at(at: &AtBlock, job: Job) -> Result<JobShow> {
	let rule = model_at(at, job.model).await?.map(|m| m.rule);
	let (output_text, top_k) = match (&job.result, rule) {
		(Some(bytes), Some(rule)) => {
			(Some(describe_output(rule, bytes)), top_k_indices(rule, bytes))
		}
		(Some(bytes), None) => (Some(format!("0x{}", hex::encode(bytes))), None),
		(None, _) => (None, None),
	};
	Ok(JobShow { state: status_name(&job.status), job, output_text, top_k })
}

/// Model `id` at `at`.
pub async fn model_at(at: &AtBlock, id: ModelId) -> Result<Option<Model>> {
	let call = infera::runtime_apis().market_api().model(id);
	Ok(at.runtime_apis().call(call).await?.map(|model| model.0))
}

/// Every model at `at`, by id, read a page at a time.
pub async fn models_at(at: &AtBlock) -> Result<Vec<Model>> {
	let next = at
		.storage()
		.fetch(infera::storage().model_registry().next_model_id(), ())
		.await?
		.decode()?;
	let mut all: Vec<Model> = Vec::new();
	let mut first: ModelId = 0;
	while first < next {
		let call = infera::runtime_apis().market_api().models(first.checked_sub(1), MAX_PAGE);
		let page: Vec<Model> =
			at.runtime_apis().call(call).await?.into_iter().map(|m| m.0).collect();
		first = next_window(first, page.iter().map(|m| m.id));
		all.extend(page);
	}
	Ok(all)
}

/// The first id the next page of [`MarketApi::models`] should scan, after a page that scanned
/// from `first` and returned the models `ids`. A page looks at most [`MAX_SCANNED_IDS`] ids, so
/// a short page means its whole window was scanned, not that no model follows.
///
/// [`MarketApi::models`]: infera_primitives::market::MarketApi::models
fn next_window(first: ModelId, ids: impl ExactSizeIterator<Item = ModelId>) -> ModelId {
	let full = ids.len() as u32 == MAX_PAGE;
	match ids.last() {
		Some(last) if full => last.saturating_add(1),
		Some(_) | None => first.saturating_add(MAX_SCANNED_IDS),
	}
}

/// Provider `account` at `at`, if registered.
pub async fn provider_at(at: &AtBlock, account: &AccountId32) -> Result<Option<Provider>> {
	let call = infera::runtime_apis().market_api().provider(*account);
	Ok(at.runtime_apis().call(call).await?.map(|provider| provider.0))
}

/// Job `id` at `at`, with its result once completed (until it expires).
pub async fn job_at(at: &AtBlock, id: JobId) -> Result<Option<Job>> {
	let call = infera::runtime_apis().market_api().job(id);
	Ok(at.runtime_apis().call(call).await?.map(|job| job.0))
}

/// The stored winning output of completed job `id` at `at`.
pub async fn result_at(at: &AtBlock, id: JobId) -> Result<Option<Vec<u8>>> {
	let addr = infera::storage().job_escrow().results();
	Ok(match at.storage().try_fetch(addr, (id,)).await? {
		Some(v) => Some(v.decode()?.0),
		None => None,
	})
}

/// The balances of `account` at `at` (all zero for an account the chain does not know).
pub async fn balance_at(at: &AtBlock, account: &AccountId32) -> Result<AccountData> {
	let addr = infera::storage().system().account();
	Ok(at.storage().fetch(addr, (*account,)).await?.decode()?.data)
}

/// `account`'s stake ledger at `at`, if it has one (a provider's, or stake still unbonding after
/// it left).
pub async fn ledger_at(at: &AtBlock, account: &AccountId32) -> Result<Option<Ledger>> {
	let addr = infera::storage().provider_staking().ledgers();
	Ok(match at.storage().try_fetch(addr, (*account,)).await? {
		Some(v) => Some(v.decode()?),
		None => None,
	})
}

/// The first event of type `E` among a transaction's `events`.
fn first_event<E: subxt::events::DecodeAsEvent>(events: &TxEvents) -> Result<E> {
	events
		.find_first::<E>()
		.transpose()?
		.with_context(|| format!("no {} event", std::any::type_name::<E>()))
}

/// A failed transaction as an error naming the pallet error and its documentation
/// (`dispatch error ModelRegistry::DuplicateName: The owner already ...`).
pub fn describe_tx_error(e: TransactionFinalizedSuccessError) -> anyhow::Error {
	match &e {
		TransactionFinalizedSuccessError::SuccessError(
			TransactionEventsError::ExtrinsicFailed(DispatchError::Module(m)),
		) => match m.details() {
			Ok(d) => {
				let docs = d.variant.docs.join(" ");
				let docs = docs.trim();
				if docs.is_empty() {
					anyhow!("dispatch error {}::{}", d.pallet.name(), d.variant.name)
				} else {
					anyhow!("dispatch error {}::{}: {docs}", d.pallet.name(), d.variant.name)
				}
			}
			Err(_) => anyhow!("dispatch error {m}"),
		},
		TransactionFinalizedSuccessError::SuccessError(
			TransactionEventsError::ExtrinsicFailed(d),
		) => anyhow!("dispatch error: {d}"),
		_ => anyhow!("{e}"),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// `MarketApi::models` as the registry pallet answers it, over the ids in `registry`.
	fn page(registry: &[ModelId], next: ModelId, first: ModelId) -> Vec<ModelId> {
		let end = next.min(first + MAX_SCANNED_IDS);
		let ids = registry.iter().copied().filter(|id| (first..end).contains(id));
		ids.take(MAX_PAGE as usize).collect()
	}

	#[test]
	fn paging_finds_every_model_across_full_pages_and_gaps_wider_than_a_window() {
		// Three full pages, then a gap of 2.5 windows of removed models, then a few more.
		let mut registry: Vec<ModelId> = (0..3 * MAX_PAGE + 7).collect();
		let far = 3 * MAX_PAGE + 7 + MAX_SCANNED_IDS * 5 / 2;
		registry.extend(far..far + 3);
		let next = far + 3;
		let (mut found, mut first) = (Vec::new(), 0);
		while first < next {
			let ids = page(&registry, next, first);
			first = next_window(first, ids.iter().copied());
			found.extend(ids);
		}
		assert_eq!(found, registry);
	}
}
