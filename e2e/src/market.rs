//! Marketplace actions over JSON-RPC with standard signed extrinsics: register models and
//! providers, submit jobs, read jobs, results and balances. Calls, storage entries, runtime API
//! calls and events are those the typed client generated from the runtime's metadata
//! (`infera_client::runtime`); jobs are read as the marketplace API's own view
//! (`infera_primitives::market::JobView`), at any block. Also loads the digits models and
//! held-out set that `scripts/export_models.py` exports, through the primitives' manifest type.

use crate::{Client, Node, Worker};
use anyhow::{bail, ensure, Context, Result};
use infera_client::{
	chain::{self, TxEvents},
	runtime::infera::{
		self,
		runtime_types::{
			bounded_collections::bounded_vec::BoundedVec,
			infera_runtime::{governance::parameters::RuntimeParameters, RuntimeHoldReason},
			pallet_parameters::pallet::Call as ParametersCall,
		},
		Call as RuntimeCall,
	},
};
use infera_primitives::{
	attestation::WorkerKeyProof,
	fees::{self, Perbill},
	manifest::Manifest,
	model::{AgreementRule, DType, Shape, TensorSpec},
	ModelId,
};
use std::{collections::BTreeMap, path::PathBuf, time::Duration};
use subxt::{
	config::substrate::SubstrateExtrinsicParamsBuilder,
	events::DecodeAsEvent,
	utils::{AccountId32, Static},
	SubstrateConfig,
};
use subxt_signer::sr25519::Keypair;

pub use infera_client::chain::{Job, JobStatus};

use infera_primitives::params::{
	DEFAULT_AUDIT_PERCENT, DEFAULT_BYTE_FEE, DEFAULT_PROTOCOL_FEE_PERCENT,
};
pub use infera_primitives::{MILLI_UNIT as MILLI, UNIT};

/// The terms the end-to-end tests trade on: the digits CNN, ...
pub const MODEL: &str = "digits-cnn";
/// ... every provider's price per inference, ...
pub const PRICE: u128 = 10 * MILLI;
/// ... the author's fee per inference ...
pub const AUTHOR_FEE: u128 = 2 * MILLI;
/// ... and each provider's stake.
pub const BOND: u128 = 1_000 * UNIT;
/// Jobs Alice takes at once in a [`DevMarket`]: more than any of its tests has open.
pub const DEV_CAPACITY: u32 = 64;
/// How long a worker may take to load and answer `/health` (debug builds, a loaded machine).
const WORKER_READY: Duration = Duration::from_secs(60);
/// How long a dev node may take to answer RPC.
const NODE_READY: Duration = Duration::from_secs(180);

/// Bytes a digits job stores: its input (an f32 8×8 image) and its canonical output (one u32
/// class index).
pub const DIGITS_STORED_BYTES: u32 = 8 * 8 * 4 + 4;

/// The protocol fee of a digits job at redundancy `r` on those terms, by the chain's own
/// arithmetic ([`fees::protocol_fee`]) at the runtime's default protocol fee and byte fee.
pub fn protocol_fee(r: u128) -> u128 {
	let share = Perbill::from_percent(DEFAULT_PROTOCOL_FEE_PERCENT);
	fees::protocol_fee(r * PRICE, share, DIGITS_STORED_BYTES, DEFAULT_BYTE_FEE)
		.expect("a digits job's fees fit in a u128")
}

/// The audit fee of a digits job at redundancy `r` on those terms ([`fees::audit_fee`], at the
/// runtime's default audit rate).
pub fn audit_fee(r: u128) -> u128 {
	let redundancy = u32::try_from(r).unwrap_or(u32::MAX);
	fees::audit_fee(redundancy, r * PRICE, Perbill::from_percent(DEFAULT_AUDIT_PERCENT))
}

/// Total price of a job at redundancy `r` on those terms: `r` prices, the author fee, the
/// protocol fee and the audit fee.
pub fn job_price(r: u128) -> u128 {
	r * PRICE + AUTHOR_FEE + protocol_fee(r) + audit_fee(r)
}

/// The model id `model` as the chain types it; an id beyond them names no model (the chain
/// answers `UnknownModel`).
fn model_id(model: u128) -> ModelId {
	ModelId::try_from(model).unwrap_or(ModelId::MAX)
}

/// The `JobEscrow.submit_job` call.
pub fn submit_job_call(
	model: u128,
	input: &[u8],
	max_price: u128,
	redundancy: u32,
) -> impl subxt::transactions::Payload {
	let input = BoundedVec(input.to_vec());
	infera::tx().job_escrow().submit_job(model_id(model), input, max_price, Some(redundancy))
}

/// A dev keypair from a secret URI such as `//Alice`.
pub fn keypair(uri: &str) -> Result<Keypair> {
	Ok(Keypair::from_uri(&uri.parse::<subxt_signer::SecretUri>()?)?)
}

/// The exported digits models and held-out set.
pub struct Digits {
	/// Folder of the export.
	pub dir: PathBuf,
	/// The export's manifest.
	pub manifest: Manifest,
	/// Held-out inputs, 256 bytes (64 little-endian f32) each.
	pub inputs: Vec<Vec<u8>>,
	/// Their labels.
	pub labels: Vec<u32>,
}

/// Where the digits models are exported: `$INFER_CACHE/models`, else a folder of the target dir.
pub fn models_dir() -> PathBuf {
	std::env::var_os("INFER_CACHE")
		.map(|c| PathBuf::from(c).join("models"))
		.unwrap_or_else(|| crate::target_dir().join("e2e-models"))
}

impl Digits {
	/// Exports the models (once) into [`models_dir`], and loads them.
	pub fn load() -> Result<Digits> {
		let dir = models_dir();
		if !dir.join("manifest.json").is_file() {
			let script =
				PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/export_models.py");
			let status = std::process::Command::new("python3").arg(&script).arg(&dir).status()?;
			if !status.success() {
				bail!(
					"{} failed ({status}); is the venv on PATH (scripts/env.sh)?",
					script.display()
				);
			}
		}
		let manifest = Manifest::read(&dir.join("manifest.json"))?;
		let raw = std::fs::read(dir.join("heldout.bin"))?;
		let inputs = raw.chunks(256).map(<[u8]>::to_vec).collect();
		let labels = serde_json::from_slice(&std::fs::read(dir.join("heldout_labels.json"))?)?;
		Ok(Digits { dir, manifest, inputs, labels })
	}

	/// blake2-256 of a model's artifact, from the manifest.
	pub fn artifact_hash(&self, model: &str) -> Result<[u8; 32]> {
		Ok(self.manifest.model(model)?.hash)
	}

	/// `file://` URI of a model's artifact.
	pub fn artifact_uri(&self, model: &str) -> Result<String> {
		let file = &self.manifest.model(model)?.file;
		Ok(format!("file://{}", self.dir.join(file).display()))
	}

	/// Python's (libtorch's) top-1 class for every held-out input, from the export's
	/// `expected_<model>.bin` (raw f32 logits, 10 per input); ties go to the lower index, as in
	/// the `TopK` agreement rule.
	pub fn expected_top1(&self, model: &str) -> Result<Vec<u32>> {
		let file = self.manifest.model(model)?.expected_outputs.as_ref();
		let file = file.with_context(|| format!("the export has no outputs of {model}"))?;
		let raw = std::fs::read(self.dir.join(file))?;
		let logits: Vec<f32> =
			raw.chunks(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
		Ok(logits
			.chunks(10)
			.map(|l| (0..10).fold(0, |best, i| if l[i] > l[best] { i } else { best }) as u32)
			.collect())
	}
}

/// The treasury's account (the primitives' derivation, which the runtime uses too).
pub fn treasury() -> [u8; 32] {
	infera_primitives::treasury_account().into()
}

/// Registers the exported digits model `name` (input `[1, 8, 8]` f32, ten logits, `TopK(1)`)
/// by `author` with `fee` per inference; returns its model id.
pub async fn register_digits_model(
	client: &Client,
	author: &Keypair,
	digits: &Digits,
	name: &str,
	fee: u128,
) -> Result<u128> {
	let register = infera::tx().model_registry().register_model(
		name.as_bytes().to_vec(),
		digits.artifact_hash(name)?,
		digits.artifact_uri(name)?.into_bytes(),
		Static(digits_input()),
		Static(digits_output()),
		Static(AgreementRule::TopK { k: 1 }),
		fee,
	);
	let events = submit(client, author, &register, None).await?;
	Ok(event::<infera::model_registry::events::ModelRegistered>(&events)?.model.into())
}

/// The digits models' input: one f32 image of 1 × 8 × 8.
pub fn digits_input() -> TensorSpec {
	TensorSpec { dtype: DType::F32, shape: Shape::truncate_from(vec![1, 8, 8]) }
}

/// The digits models' output: ten f32 logits.
pub fn digits_output() -> TensorSpec {
	TensorSpec { dtype: DType::F32, shape: Shape::truncate_from(vec![10]) }
}

/// What a provider registers: stake, worker key, one model, capacity and price.
pub struct ProviderTerms {
	/// Stake bonded.
	pub bond: u128,
	/// Its inference worker's key (the same secret URI the worker runs with): its public key is
	/// registered, and it signs the proof that the provider holds it.
	pub worker: Keypair,
	/// The model it serves.
	pub model: u128,
	/// Most jobs at once.
	pub capacity: u32,
	/// Price per inference.
	pub price: u128,
}

/// The worker key's signature over the `WorkerKeyProof` for `provider` on `client`'s chain, as
/// `register_provider` and `rotate_worker_key` require (signed here, as the worker's
/// `prove_key` would).
pub fn worker_key_proof(client: &Client, provider: &Keypair, worker: &Keypair) -> [u8; 64] {
	let provider = infera_primitives::AccountId::from(provider.public_key().0);
	let proof = WorkerKeyProof {
		genesis_hash: infera_primitives::Hash::from(client.genesis_hash().0),
		provider: &provider,
	};
	worker.sign(&proof.message()).0
}

/// Registers `provider` with `terms`, proving that it holds the worker key.
pub async fn register_provider(
	client: &Client,
	provider: &Keypair,
	terms: &ProviderTerms,
) -> Result<()> {
	let register = infera::tx().provider_staking().register_provider(
		terms.bond,
		terms.worker.public_key().0,
		worker_key_proof(client, provider, &terms.worker),
		vec![model_id(terms.model)],
		terms.capacity,
		terms.price,
	);
	submit(client, provider, &register, None).await?;
	Ok(())
}

/// A dev chain with one provider, the setup of the single-provider marketplace tests: Alice
/// serves Bob's digits model ([`MODEL`], fee [`AUTHOR_FEE`]) at [`PRICE`] through her own
/// inference worker (key `//AliceWorker`), called by the dev node's off-chain worker.
pub struct DevMarket {
	/// Alice's inference worker.
	pub worker: Worker,
	/// The dev node.
	pub node: Node,
	/// A client of the node.
	pub client: Client,
	/// The digits model's id.
	pub model: u128,
	/// The exported digits models and held-out inputs.
	pub digits: Digits,
}

impl DevMarket {
	/// Starts the worker and the node, registers the model and bonds Alice as its provider.
	pub async fn start() -> Result<DevMarket> {
		let digits = Digits::load()?;
		let mut worker = Worker::spawn("worker-alice", "//AliceWorker", &[])?;
		worker.ready(WORKER_READY).await?;
		let mut node = Node::spawn(
			"dev",
			&[&["--dev", "--offchain-worker", "always"][..], &worker.node_args()].concat(),
		)?;
		let client = node.client(NODE_READY).await?;
		let model =
			register_digits_model(&client, &keypair("//Bob")?, &digits, MODEL, AUTHOR_FEE).await?;
		let terms = ProviderTerms {
			bond: BOND,
			worker: keypair("//AliceWorker")?,
			model,
			capacity: DEV_CAPACITY,
			price: PRICE,
		};
		register_provider(&client, &keypair("//Alice")?, &terms).await?;
		Ok(DevMarket { worker, node, client, model, digits })
	}
}

/// Takes `provider` offline (no new jobs drawn for it).
pub async fn go_offline(client: &Client, provider: &Keypair) -> Result<()> {
	submit(client, provider, &infera::tx().provider_staking().go_offline(), None).await?;
	Ok(())
}

/// A submitted job: its id, the price held and the submission's fee.
pub struct Submitted {
	/// The job's id.
	pub job_id: u64,
	/// Total price held from the user.
	pub price: u128,
	/// Transaction fee the user paid for submitting.
	pub fee: u128,
}

/// Submits one job per input from `user` (consecutive nonces, all at once) at `redundancy`
/// with `max_price` each, and waits until all are finalized.
pub async fn submit_jobs(
	client: &Client,
	user: &Keypair,
	model: u128,
	inputs: &[Vec<u8>],
	redundancy: u32,
	max_price: u128,
) -> Result<Vec<Submitted>> {
	let first_nonce = nonce(client, user.public_key().0).await?;
	let submissions = inputs.iter().enumerate().map(|(i, input)| {
		let call = submit_job_call(model, input, max_price, redundancy);
		async move {
			let events = submit(client, user, &call, Some(first_nonce + i as u64)).await?;
			let submitted = event::<infera::job_escrow::events::JobSubmitted>(&events)?;
			Ok::<_, anyhow::Error>(Submitted {
				job_id: submitted.job_id,
				price: submitted.price,
				fee: fee_paid(&events)?,
			})
		}
	});
	futures::future::try_join_all(submissions).await
}

/// `sudo(parameters.set_parameter(…))` setting the marketplace parameter `name` to `value`, as
/// `infera gov propose-parameter` takes them (`commit-period`, `5%`), checked against its bounds
/// by the typed client.
pub fn sudo_set(name: &str, value: &str) -> Result<impl subxt::transactions::Payload> {
	Ok(sudo_set_parameter(infera_client::governance::parameter_value(name, value)?))
}

/// `sudo(parameters.set_parameter(key_value))` for any value the generated types hold, in or
/// out of the parameter's bounds: the governance tests send values the client's
/// [`infera_client::governance::parameter_value`] refuses to build, to check that the chain
/// refuses them too.
pub fn sudo_set_parameter(key_value: RuntimeParameters) -> impl subxt::transactions::Payload {
	infera::tx().sudo().sudo(RuntimeCall::Parameters(ParametersCall::set_parameter { key_value }))
}

/// Signs `call` with `signer` (at `nonce`, if given), waits until it is finalized and
/// succeeded, and returns its events.
pub async fn submit(
	client: &Client,
	signer: &Keypair,
	call: &impl subxt::transactions::Payload,
	nonce: Option<u64>,
) -> Result<TxEvents> {
	let mut params = SubstrateExtrinsicParamsBuilder::<SubstrateConfig>::new();
	if let Some(n) = nonce {
		params = params.nonce(n);
	}
	Ok(crate::at_current_block(client)
		.await?
		.transactions()
		.sign_and_submit_then_watch(call, signer, params.build())
		.await?
		.wait_for_finalized_success()
		.await?)
}

/// The JSON-RPC error code of a transaction the node's pool refused as invalid (`author_*`
/// methods; polkadot-sdk's `sc-rpc-api` `POOL_INVALID_TX`).
pub const POOL_INVALID_TX: i32 = 1010;

/// Why the node's pool refused a transaction as invalid (the error's data, such as
/// `Transaction is outdated`), if that is what `error` says.
pub fn pool_refusal(error: &anyhow::Error) -> Option<String> {
	use subxt::error::{BackendError, ExtrinsicError, RpcError};
	let submitting = error.chain().find_map(|e| e.downcast_ref::<ExtrinsicError>())?;
	let ExtrinsicError::ErrorSubmittingTransaction(BackendError::Rpc(RpcError::ClientError(
		subxt::rpcs::Error::User(refusal),
	))) = submitting
	else {
		return None;
	};
	(refusal.code == POOL_INVALID_TX).then(|| {
		refusal.data.as_ref().map_or_else(String::new, |d| d.get().trim_matches('"').into())
	})
}

/// The first event of type `E` (generated, such as
/// `infera::job_escrow::events::JobSubmitted`) among `events`.
pub fn event<E: DecodeAsEvent>(events: &TxEvents) -> Result<E> {
	events
		.find_first::<E>()
		.transpose()?
		.with_context(|| format!("no {} event", std::any::type_name::<E>()))
}

/// Fee paid by the transaction whose events these are.
pub fn fee_paid(events: &TxEvents) -> Result<u128> {
	Ok(event::<infera::transaction_payment::events::TransactionFeePaid>(events)?.actual_fee)
}

/// Free balance of `account` at the latest finalized block.
pub async fn free_balance(client: &Client, account: [u8; 32]) -> Result<u128> {
	let at = crate::at_current_block(client).await?;
	Ok(chain::balance_at(&at, &AccountId32(account)).await?.free)
}

/// Free balances of `accounts`, in order.
pub async fn free_balances(client: &Client, accounts: &[[u8; 32]]) -> Result<Vec<u128>> {
	let mut out = Vec::new();
	for account in accounts {
		out.push(free_balance(client, *account).await?);
	}
	Ok(out)
}

/// `ProviderStaking.Ledgers` of `account`: its bonded stake (zero without a ledger).
pub async fn bonded(client: &Client, account: [u8; 32]) -> Result<u128> {
	let at = crate::at_current_block(client).await?;
	Ok(chain::ledger_at(&at, &AccountId32(account)).await?.map_or(0, |ledger| ledger.bonded))
}

/// Next unused nonce of `account` at the latest finalized block.
pub async fn nonce(client: &Client, account: [u8; 32]) -> Result<u64> {
	let at = crate::at_current_block(client).await?;
	let call = infera::runtime_apis().account_nonce_api().account_nonce(AccountId32(account));
	Ok(at.runtime_apis().call(call).await?.into())
}

/// What the tests read off a job's view beyond its fields.
pub trait JobExt {
	/// Whether the job completed.
	fn completed(&self) -> bool;
	/// Its providers' accounts, in assignment order (an audited job's second is its auditor).
	fn providers(&self) -> Vec<[u8; 32]>;
	/// Its arbitrators' accounts (empty unless its providers split).
	fn arbitrator_ids(&self) -> Vec<[u8; 32]>;
	/// Blocks from the submission's inclusion to settlement (for settled jobs).
	fn latency_blocks(&self) -> Result<u64>;
}

impl JobExt for Job {
	fn completed(&self) -> bool {
		matches!(self.status, JobStatus::Completed { .. })
	}

	fn providers(&self) -> Vec<[u8; 32]> {
		self.assignments.iter().map(|a| a.provider.0).collect()
	}

	fn arbitrator_ids(&self) -> Vec<[u8; 32]> {
		self.arbitrators.iter().map(|a| a.provider.0).collect()
	}

	fn latency_blocks(&self) -> Result<u64> {
		let at = self.status.finished_at().context("the job has not settled")?;
		Ok(u64::from(at - self.submitted_at))
	}
}

/// Job `job_id` at the latest finalized block, if it exists.
pub async fn job(client: &Client, job_id: u64) -> Result<Option<Job>> {
	chain::job_at(&crate::at_current_block(client).await?, job_id).await
}

/// The stored winning output of a completed job.
pub async fn result(client: &Client, job_id: u64) -> Result<Option<Vec<u8>>> {
	chain::result_at(&crate::at_current_block(client).await?, job_id).await
}

/// The top-1 class a completed `TopK(1)` job's stored output names.
pub async fn result_class(client: &Client, job_id: u64) -> Result<u32> {
	let output = result(client, job_id).await?.context("completed jobs have a result")?;
	let first: [u8; 4] =
		output.get(..4).and_then(|b| b.try_into().ok()).context("output shorter than 4 bytes")?;
	Ok(u32::from_le_bytes(first))
}

/// Prints the distribution of blocks from inclusion to settlement of `settled` jobs, labelled
/// `label`.
pub fn print_latency<'a>(label: &str, settled: impl IntoIterator<Item = &'a Job>) -> Result<()> {
	let mut blocks = settled.into_iter().map(Job::latency_blocks).collect::<Result<Vec<_>>>()?;
	if blocks.is_empty() {
		bail!("no settled jobs to measure");
	}
	blocks.sort_unstable();
	let at = |q: f64| blocks[((blocks.len() - 1) as f64 * q).round() as usize];
	println!(
		"latency {label} (blocks of 1 s from inclusion to result, {} jobs): min {} p50 {} p95 {} max {}",
		blocks.len(),
		blocks[0],
		at(0.5),
		at(0.95),
		blocks[blocks.len() - 1]
	);
	Ok(())
}

/// What [`audit`] found.
#[derive(Debug)]
pub struct Audit {
	/// Block audited (the latest finalized).
	pub block: u64,
	/// Jobs on record and how many of them are open.
	pub jobs: usize,
	/// Open jobs.
	pub open_jobs: usize,
	/// Balance held for jobs (equal to what open jobs hold).
	pub held_for_jobs: u128,
	/// Balance held as provider stake (equal to the ledgers' totals).
	pub held_as_stake: u128,
	/// Balance held as model deposits (equal to the registered models' deposits).
	pub held_as_deposits: u128,
}

/// Checks, at the latest finalized block, that nothing is lost: every balance held by the job
/// pallet is what the job records say they hold, every balance held by the staking pallet is in
/// a ledger (bonded or unbonding), every balance held by the registry is a registered model's
/// deposit, and no open job has outlived its deadline. Valid at any block, with jobs in flight.
pub async fn audit(client: &Client) -> Result<Audit> {
	let at = crate::at_current_block(client).await?;
	let block = at.block_number();
	let (mut held_for_jobs, mut held_as_stake, mut held_as_deposits) = (0u128, 0u128, 0u128);
	let mut entries = at.storage().iter(infera::storage().balances().holds(), ()).await?;
	while let Some(entry) = entries.next().await {
		for hold in entry?.value().decode()?.0 {
			let total = match hold.id {
				RuntimeHoldReason::JobEscrow(_) => &mut held_for_jobs,
				RuntimeHoldReason::ProviderStaking(_) => &mut held_as_stake,
				RuntimeHoldReason::ModelRegistry(_) => &mut held_as_deposits,
				RuntimeHoldReason::Preimage(_) => continue,
			};
			*total += hold.amount;
		}
	}
	let (mut jobs, mut open_jobs, mut job_records) = (0, 0, 0u128);
	let mut entries = at.storage().iter(infera::storage().job_escrow().jobs(), ()).await?;
	while let Some(entry) = entries.next().await {
		let job = entry?.value().decode()?;
		jobs += 1;
		job_records += job.held;
		if let JobStatus::Pending { deadline } | JobStatus::Revealing { deadline } = job.status.0 {
			open_jobs += 1;
			if u64::from(deadline) <= block {
				bail!("an open job outlived its deadline {deadline} (block {block}): {job:?}");
			}
		}
	}
	let mut ledger_totals = 0u128;
	let mut entries = at.storage().iter(infera::storage().provider_staking().ledgers(), ()).await?;
	while let Some(entry) = entries.next().await {
		let ledger = entry?.value().decode()?;
		ledger_totals += ledger.bonded + ledger.unbonding.0.iter().map(|c| c.0.value).sum::<u128>();
	}
	let mut model_deposits = 0u128;
	let mut entries = at.storage().iter(infera::storage().model_registry().models(), ()).await?;
	while let Some(entry) = entries.next().await {
		model_deposits += entry?.value().decode()?.deposit;
	}
	if held_as_deposits != model_deposits {
		bail!("held as model deposits {held_as_deposits} but models hold {model_deposits}");
	}
	if held_for_jobs != job_records {
		bail!("held for jobs {held_for_jobs} but job records hold {job_records}");
	}
	if held_as_stake != ledger_totals {
		bail!("held as stake {held_as_stake} but ledgers total {ledger_totals}");
	}
	Ok(Audit { block, jobs, open_jobs, held_for_jobs, held_as_stake, held_as_deposits })
}

/// Waits (at most `timeout`) until every job of `jobs` settles, and checks that each completed
/// with libtorch's class: `expected[i]` for `jobs[i]`.
pub async fn assert_completed_with(
	client: &Client,
	jobs: &[u64],
	expected: &[u32],
	timeout: std::time::Duration,
) -> Result<()> {
	let settled = wait_until_settled(client, jobs, timeout).await?;
	for (id, expected) in jobs.iter().zip(expected) {
		ensure!(settled[id].completed(), "job {id} ended {:?}", settled[id].status);
		let class = result_class(client, *id).await?;
		ensure!(class == *expected, "job {id}: chain says {class}, libtorch says {expected}");
	}
	Ok(())
}

/// Waits until none of `jobs` is open; returns their final records.
pub async fn wait_until_settled(
	client: &Client,
	jobs: &[u64],
	timeout: std::time::Duration,
) -> Result<BTreeMap<u64, Job>> {
	let deadline = std::time::Instant::now() + timeout;
	loop {
		let mut settled = BTreeMap::new();
		for &id in jobs {
			if let Some(view) = job(client, id).await? {
				if view.status.finished_at().is_some() {
					settled.insert(id, view);
				}
			}
		}
		if settled.len() == jobs.len() {
			return Ok(settled);
		}
		if std::time::Instant::now() > deadline {
			bail!(
				"{} of {} jobs still open after {timeout:?}",
				jobs.len() - settled.len(),
				jobs.len()
			);
		}
		tokio::time::sleep(std::time::Duration::from_millis(500)).await;
	}
}
