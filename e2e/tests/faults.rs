//! Faults, each ending with an audit ([`market::audit`]): every held balance is accounted for by
//! a job record or a stake ledger, no open job outlived its deadline, and the balances moved
//! exactly as the rules say.
//!
//! - A provider node restarted with pending jobs answers them after the restart, once each.
//! - A provider whose model artifact is corrupt refuses it and posts no answer: the job times
//!   out, the user is refunded, the provider is slashed the timeout ratio.
//! - A provider node killed with a pending job: the same timeout, refund and slash.
//! - A burst of malformed extrinsics (wrong sizes, unknown model, price over the maximum,
//!   answers from a provider that was not assigned, bad attestation signatures, replayed
//!   reveals, a reveal behind a copied commitment): each is rejected with its error and the
//!   chain goes on. Answers that could only fail because of who sends them or when (a
//!   stranger's, an early reveal, a second commit or reveal) never reach a block: the pool
//!   refuses them as invalid, naming why. The copied commitment itself is accepted and costs only the copier (the
//!   withholding slash: it can never reveal behind it).

use anyhow::{bail, ensure, Result};
use infera_client::runtime::infera::{
	self,
	runtime_types::{
		bounded_collections::bounded_vec::BoundedVec,
		infera_primitives::attestation::{Attestation, Outcome as OutcomeArg},
	},
};
use infera_e2e::{
	finalized_number,
	market::{self, job_price, keypair, Digits, JobExt, JobStatus, AUTHOR_FEE, BOND, MODEL, PRICE},
	network::ProviderSite,
	Client, Node, BOOTNODE_KEY, BOOTNODE_PEER_ID,
};
use infera_primitives::params::{
	DEFAULT_TIMEOUT_SLASH_PERCENT, DEFAULT_WRONG_RESULT_SLASH_PERCENT,
};
use infera_primitives::{
	attestation::{AttestationPayload, Outcome},
	digest,
	job::FailureReason,
	market::MarketParameters,
	model::AgreementRule,
	ModelId,
};
use std::time::Duration;
use subxt::{ext::codec::Encode, utils::Static};
use subxt_signer::sr25519::Keypair;

/// The commit window of the restart case's jobs, in blocks. A debug node restarted on a machine
/// loaded by other tests (they run side by side) can need more than the default 30 blocks to
/// come back, and the case is about answering once, not about the window.
const RESTART_COMMIT_BLOCKS: u32 = 120;
/// The runtime's timeout slash, in percent of the stake.
const TIMEOUT_SLASH_PERCENT: u128 = DEFAULT_TIMEOUT_SLASH_PERCENT as u128;
/// The slash for a commitment never revealed: the larger of the runtime's wrong-result and
/// timeout slashes.
const WITHHELD_SLASH_PERCENT: u128 =
	if DEFAULT_WRONG_RESULT_SLASH_PERCENT > DEFAULT_TIMEOUT_SLASH_PERCENT {
		DEFAULT_WRONG_RESULT_SLASH_PERCENT
	} else {
		DEFAULT_TIMEOUT_SLASH_PERCENT
	} as u128;

/// Submits a redundancy-1 job for `input` that only `provider` can take and that it will not
/// answer, and checks the timeout: the job fails without answers, `user` pays only its
/// transaction fee, `provider` is slashed the timeout ratio of its stake, into the treasury.
async fn assert_job_times_out(
	client: &Client,
	user: &Keypair,
	model: u128,
	input: &[u8],
	provider: [u8; 32],
) -> Result<()> {
	let stake = market::bonded(client, provider).await?;
	let (user_account, treasury) = (user.public_key().0, market::treasury());
	let user_before = market::free_balance(client, user_account).await?;
	let treasury_before = market::free_balance(client, treasury).await?;
	let jobs = market::submit_jobs(client, user, model, &[input.to_vec()], 1, job_price(1)).await?;
	let settled =
		market::wait_until_settled(client, &[jobs[0].job_id], Duration::from_secs(180)).await?;
	let view = &settled[&jobs[0].job_id];
	ensure!(
		matches!(view.status, JobStatus::Failed { reason: FailureReason::NoAnswers, .. }),
		"job ended {:?}, not failed for want of answers",
		view.status
	);
	let user_paid = user_before - market::free_balance(client, user_account).await?;
	ensure!(user_paid == jobs[0].fee, "user paid {user_paid}, its fee was {}", jobs[0].fee);
	let slash = stake * TIMEOUT_SLASH_PERCENT / 100;
	assert_eq!(market::bonded(client, provider).await?, stake - slash, "timeout slash");
	let treasury_gain = market::free_balance(client, treasury).await? - treasury_before;
	assert_eq!(treasury_gain, slash, "the treasury receives the slash");
	Ok(())
}

#[tokio::test]
async fn restarted_provider_answers_once_corrupt_artifact_and_dead_node_time_out() -> Result<()> {
	let digits = Digits::load()?;
	let mut chain = Node::spawn("dev-faults", &["--dev", "--node-key", BOOTNODE_KEY])?;
	let bootnode = chain.multiaddr(BOOTNODE_PEER_ID);
	let client = chain.client(Duration::from_secs(180)).await?;
	let mut dave = ProviderSite::start("dave", "//Dave", "dev", &bootnode).await?;
	let (bob, charlie) = (keypair("//Bob")?, keypair("//Charlie")?);
	let model = market::register_digits_model(&client, &bob, &digits, MODEL, AUTHOR_FEE).await?;
	market::register_provider(&client, &dave.key, &dave.terms(model, BOND, 16, PRICE)?).await?;
	let dave_account = dave.key.public_key().0;

	// 1. Dave's node is down while three jobs are assigned to it; restarted, it answers each
	//    once: Dave earns exactly three prices and pays no fee for a rejected duplicate. The
	//    jobs get a longer commit window (open jobs keep their terms; restored after).
	let alice = keypair("//Alice")?;
	let rpc = subxt::rpcs::RpcClient::from_insecure_url(chain.ws_url()).await?;
	let parameters: MarketParameters<u128, u32> =
		rpc.request("market_parameters", subxt::rpcs::rpc_params![]).await?;
	let set_commit_period = |blocks: u32| market::sudo_set("commit-period", &blocks.to_string());
	market::submit(&client, &alice, &set_commit_period(RESTART_COMMIT_BLOCKS)?, None).await?;
	dave.node.process.kill();
	let before = market::free_balance(&client, dave_account).await?;
	let jobs =
		market::submit_jobs(&client, &charlie, model, &digits.inputs[..3], 1, job_price(1)).await?;
	// Mid-flight, the three open jobs' escrow is held and accounted for.
	let audit = infera_e2e::wait_for("three open jobs", Duration::from_secs(30), || async {
		let audit = market::audit(&client).await?;
		Ok((audit.open_jobs == 3).then_some(audit))
	})
	.await?;
	assert_eq!(audit.held_for_jobs, 3 * job_price(1));
	println!("mid-flight {audit:?}");
	dave.node.process.restart()?;
	dave.node.client(Duration::from_secs(180)).await?;
	let ids: Vec<u64> = jobs.iter().map(|j| j.job_id).collect();
	let settled = market::wait_until_settled(&client, &ids, Duration::from_secs(180)).await?;
	let expected = digits.expected_top1(MODEL)?;
	for (i, id) in ids.iter().enumerate() {
		ensure!(settled[id].completed(), "job {id} ended {:?}", settled[id].status);
		ensure!(market::result_class(&client, *id).await? == expected[i], "job {id} answer");
	}
	let earned = market::free_balance(&client, dave_account).await? - before;
	assert_eq!(earned, 3 * PRICE, "Dave answered each job once, for free");
	market::print_latency("r=1 across a provider restart", settled.values())?;
	let restore = set_commit_period(parameters.commit_period)?;
	market::submit(&client, &alice, &restore, None).await?;

	// 2. A model whose artifact is corrupt at its URI (digits-mlp, which Dave's worker has never
	//    loaded): the worker refuses it (hash mismatch), nothing is posted, the job times out.
	let corrupt = dave.node.process.folder().join("corrupt-digits-mlp.pt");
	let mut bytes = std::fs::read(digits.dir.join("digits-mlp.pt"))?;
	let middle = bytes.len() / 2;
	bytes[middle] ^= 0xff;
	std::fs::write(&corrupt, &bytes)?;
	let register = infera::tx().model_registry().register_model(
		b"digits-mlp-corrupt".to_vec(),
		digits.artifact_hash("digits-mlp")?,
		format!("file://{}", corrupt.display()).into_bytes(),
		Static(market::digits_input()),
		Static(market::digits_output()),
		Static(AgreementRule::TopK { k: 1 }),
		AUTHOR_FEE,
	);
	let events = market::submit(&client, &bob, &register, None).await?;
	let corrupt_model =
		market::event::<infera::model_registry::events::ModelRegistered>(&events)?.model;
	let set_models =
		infera::tx().provider_staking().set_models(vec![model as ModelId, corrupt_model]);
	market::submit(&client, &dave.key, &set_models, None).await?;
	let corrupt_model = u128::from(corrupt_model);
	assert_job_times_out(&client, &charlie, corrupt_model, &digits.inputs[3], dave_account).await?;
	// The off-chain worker logs the worker's refusal: ARTIFACT_HASH_MISMATCH (-32011).
	let node_log = dave.node.process.log_tail(400);
	ensure!(node_log.contains("-32011"), "no artifact hash refusal in Dave's log:\n{node_log}");

	// 3. Dave's node dies with a job assigned: the job times out, refund and slash.
	dave.node.process.kill();
	assert_job_times_out(&client, &charlie, model, &digits.inputs[4], dave_account).await?;
	println!("{:?}", market::audit(&client).await?);
	Ok(())
}

/// The SCALE encoding of the `AttestationPayload` a worker key signs for an output.
fn attestation_payload(
	client: &Client,
	job_id: u64,
	model_hash: [u8; 32],
	input_hash: [u8; 32],
	output_hash: [u8; 32],
) -> Vec<u8> {
	AttestationPayload {
		genesis_hash: infera_primitives::Hash::from(client.genesis_hash().0),
		job_id,
		model_hash,
		input_hash,
		outcome: Outcome::Output(output_hash),
	}
	.encode()
}

/// `Attestation { outcome: Output(output_hash), signature }`.
fn attestation(output_hash: [u8; 32], signature: [u8; 64]) -> Attestation {
	Attestation { outcome: OutcomeArg::Output(output_hash), signature }
}

/// How the chain refuses a call.
#[derive(Debug)]
enum Refusal {
	/// Included in a block, failing with this pallet error (its signer pays the fee).
	InBlock(&'static str),
	/// Refused by the pool as an invalid transaction, for this reason: no block can include it,
	/// so it costs its signer nothing.
	ByPool(&'static str),
}

impl Refusal {
	/// Whether `error`, the failure of a submission, is this refusal.
	fn is(&self, error: &anyhow::Error) -> bool {
		match self {
			Refusal::InBlock(name) => format!("{error:#}").contains(name),
			Refusal::ByPool(reason) => market::pool_refusal(error).as_deref() == Some(reason),
		}
	}
}

/// The pool's reason for an answer that is sent late or twice.
const OUTDATED: &str = "Transaction is outdated";

/// Submits `call` as `signer` and returns how it failed.
async fn rejection(
	client: &Client,
	signer: &Keypair,
	call: &impl subxt::transactions::Payload,
) -> Result<anyhow::Error> {
	match market::submit(client, signer, call, None).await {
		Ok(_) => bail!("the call succeeded"),
		Err(e) => Ok(e),
	}
}

#[tokio::test]
async fn malformed_extrinsics_are_rejected_with_their_errors_and_blocks_go_on() -> Result<()> {
	let digits = Digits::load()?;
	let mut node = Node::spawn("dev-malformed", &["--dev"])?;
	let client = node.client(Duration::from_secs(180)).await?;
	let (bob, charlie) = (keypair("//Bob")?, keypair("//Charlie")?);
	let model = market::register_digits_model(&client, &bob, &digits, MODEL, AUTHOR_FEE).await?;
	// Dave and Eve provide, with worker keys this test signs with (no node serves them).
	let providers = [keypair("//Dave")?, keypair("//Eve")?];
	let workers = [keypair("//DaveWorker")?, keypair("//EveWorker")?];
	for (provider, worker) in providers.iter().zip(&workers) {
		let terms = market::ProviderTerms {
			bond: BOND,
			worker: worker.clone(),
			model,
			capacity: 8,
			price: PRICE,
		};
		market::register_provider(&client, provider, &terms).await?;
	}
	let submit_job = market::submit_job_call;
	let input = digits.inputs[0].clone();
	let price_r2 = job_price(2);
	let mut expectations: Vec<(Refusal, anyhow::Error)> = Vec::new();
	let short = submit_job(model, &input[..255], price_r2, 2);
	expectations
		.push((Refusal::InBlock("WrongInputSize"), rejection(&client, &charlie, &short).await?));
	let unknown = submit_job(999, &input, price_r2, 2);
	expectations
		.push((Refusal::InBlock("UnknownModel"), rejection(&client, &charlie, &unknown).await?));
	let cheap = submit_job(model, &input, price_r2 - 1, 2);
	expectations
		.push((Refusal::InBlock("PriceAboveMax"), rejection(&client, &charlie, &cheap).await?));

	// A valid redundancy-2 job, then wrong answers to it.
	let events =
		market::submit(&client, &charlie, &submit_job(model, &input, price_r2, 2), None).await?;
	let job_id = market::event::<infera::job_escrow::events::JobSubmitted>(&events)?.job_id;
	let model_hash = digits.artifact_hash(MODEL)?;
	let input_hash = digest(&input);
	let output = 3u32.to_le_bytes().to_vec();
	let output_hash = digest(&output);
	let payload = attestation_payload(&client, job_id, model_hash, input_hash, output_hash);
	let signature = |worker: &Keypair| worker.sign(&payload).0;
	let salt = [7u8; 32];
	let commitment =
		|provider: &Keypair| digest(&[&output_hash[..], &salt, &provider.public_key().0].concat());
	let commit = |c: [u8; 32]| infera::tx().job_escrow().commit_result(job_id, c);
	let reveal = |signature: [u8; 64]| {
		let output = BoundedVec(output.clone());
		let attestation = attestation(output_hash, signature);
		infera::tx().job_escrow().reveal_result(job_id, output, salt, attestation)
	};
	// Answers that could only fail because of who sends them or when (`ValidateAnswer`) are
	// refused by the pool. Ferdie was not assigned.
	let ferdie = keypair("//Ferdie")?;
	expectations.push((
		Refusal::ByPool("Transaction call is not expected"),
		rejection(&client, &ferdie, &commit(commitment(&ferdie))).await?,
	));
	// A reveal before the reveal phase opens.
	expectations.push((
		Refusal::ByPool("Transaction will be valid in the future"),
		rejection(&client, &providers[0], &reveal(signature(&workers[0]))).await?,
	));
	// Dave commits; his second commit is outdated.
	market::submit(&client, &providers[0], &commit(commitment(&providers[0])), None).await?;
	expectations.push((
		Refusal::ByPool(OUTDATED),
		rejection(&client, &providers[0], &commit(commitment(&providers[0]))).await?,
	));
	// Eve copies Dave's commitment from the pool: accepted (commitments are never compared, so
	// Dave is not hurt), but it binds Dave's account, so Eve can never reveal behind it.
	market::submit(&client, &providers[1], &commit(commitment(&providers[0])), None).await?;
	// Both committed: reveals open. A reveal signed by the wrong worker key is refused; the
	// right one succeeds; replaying it is refused.
	expectations.push((
		Refusal::InBlock("BadAttestation"),
		rejection(&client, &providers[0], &reveal(signature(&workers[1]))).await?,
	));
	market::submit(&client, &providers[0], &reveal(signature(&workers[0])), None).await?;
	expectations.push((
		Refusal::ByPool(OUTDATED),
		rejection(&client, &providers[0], &reveal(signature(&workers[0]))).await?,
	));
	expectations.push((
		Refusal::InBlock("CommitmentMismatch"),
		rejection(&client, &providers[1], &reveal(signature(&workers[1]))).await?,
	));
	// One reveal of two is no majority, and no third provider exists to arbitrate: the user is
	// refunded, the copier slashed for withholding its reveal (like a losing answer, 10%), and
	// Dave, who answered, keeps its whole stake.
	let stakes = [
		market::bonded(&client, providers[0].public_key().0).await?,
		market::bonded(&client, providers[1].public_key().0).await?,
	];
	let settled = market::wait_until_settled(&client, &[job_id], Duration::from_secs(60)).await?;
	let status = settled[&job_id].status;
	ensure!(matches!(status, JobStatus::Failed { .. }), "job ended {status:?}");
	ensure!(market::bonded(&client, providers[0].public_key().0).await? == stakes[0]);
	let copier = market::bonded(&client, providers[1].public_key().0).await?;
	ensure!(
		copier == stakes[1] - stakes[1] * WITHHELD_SLASH_PERCENT / 100,
		"the copier was slashed {} of {}",
		stakes[1] - copier,
		stakes[1]
	);

	for (refusal, got) in &expectations {
		ensure!(refusal.is(got), "expected {refusal:?}, got: {got:#}");
		println!("rejected as expected: {refusal:?}");
	}
	println!("{:?}", market::audit(&client).await?);
	// The chain goes on: two more blocks are finalized after the burst.
	let now = finalized_number(&client).await?;
	infera_e2e::wait_for("two more finalized blocks", Duration::from_secs(30), || async {
		Ok((finalized_number(&client).await? >= now + 2).then_some(()))
	})
	.await?;
	Ok(())
}
