//! Unit and property tests of the job pallet, by topic: submission ([`submit`]), answers at
//! redundancy 1 and by commit–reveal ([`answers`]), arbitration of splits ([`arbitration`]), cancellation, deadlines and retention
//! ([`lifecycle`]), the pool's check of when an answer comes ([`extension`]), the attacks of the security model ([`adversarial`]), random sequences
//! ([`props`]) and a saturating load ([`load`]).

mod adversarial;
mod answers;
mod arbitration;
mod audits;
mod extension;
mod lifecycle;
mod load;
mod props;
mod submit;

use crate::{mock::*, Event, *};
use frame::{
	deps::sp_core::Pair,
	testing_prelude::*,
	traits::fungible::{InspectHold as _, Mutate as _},
};
use infera_primitives::{market::QuoteError, traits::SlashReason};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

pub(super) fn input() -> BoundedVec<u8, ConstU32<64>> {
	vec![7u8; INPUT_LEN as usize].try_into().unwrap()
}

pub(super) fn output(v: u8) -> Vec<u8> {
	vec![v; OUTPUT_LEN as usize]
}

pub(super) fn bounded_output(out: &[u8]) -> BoundedVec<u8, ConstU32<32>> {
	out.to_vec().try_into().unwrap()
}

pub(super) fn salt(who: AccountId) -> [u8; 32] {
	[who as u8 ^ 0x5a; 32]
}

/// The attestation `signer`'s worker would produce for `outcome` on `job_id`.
pub(super) fn attest_outcome(job_id: JobId, signer: AccountId, outcome: Outcome) -> Attestation {
	let job = Jobs::<Test>::get(job_id).unwrap();
	let payload = AttestationPayload {
		genesis_hash: JobEscrow::genesis_hash(),
		job_id,
		model_hash: job.model_hash,
		input_hash: job.input_hash,
		outcome,
	};
	Attestation { outcome, signature: payload.sign(&worker(signer)) }
}

/// The attestation `signer`'s worker would produce for `out` on `job_id`.
pub(super) fn attestation_by(job_id: JobId, signer: AccountId, out: &[u8]) -> Attestation {
	attest_outcome(job_id, signer, Outcome::Output(infera_primitives::digest(out)))
}

/// `who`'s signed refusal of `job_id` for `reason`, committed and revealed (redundancy 1).
pub(super) fn submit_refusal(
	job_id: JobId,
	who: AccountId,
	reason: RefusalReason,
) -> DispatchResultWithPostInfo {
	commit_refusal(job_id, who, reason)?;
	reveal_refusal(job_id, who, reason)
}

/// `who`'s commitment to `outcome` on `job_id`, with its test salt.
pub(super) fn commit_outcome(
	job_id: JobId,
	who: AccountId,
	outcome: Outcome,
) -> DispatchResultWithPostInfo {
	let c = commitment_of(&outcome.vote_digest(), &salt(who), &who);
	JobEscrow::commit_result(RuntimeOrigin::signed(who), job_id, c)
}

/// `who` reveals `out` with attestation `att` (behind a commitment made with its test salt).
pub(super) fn reveal_with(
	job_id: JobId,
	who: AccountId,
	out: &[u8],
	att: Attestation,
) -> DispatchResultWithPostInfo {
	JobEscrow::reveal_result(
		RuntimeOrigin::signed(who),
		job_id,
		bounded_output(out),
		salt(who),
		att,
	)
}

/// `who`'s commitment to refusing `job_id` for `reason`.
pub(super) fn commit_refusal(
	job_id: JobId,
	who: AccountId,
	reason: RefusalReason,
) -> DispatchResultWithPostInfo {
	let c = commitment_of(&Outcome::Refused(reason).vote_digest(), &salt(who), &who);
	JobEscrow::commit_result(RuntimeOrigin::signed(who), job_id, c)
}

/// `who` reveals its refusal of `job_id` for `reason`.
pub(super) fn reveal_refusal(
	job_id: JobId,
	who: AccountId,
	reason: RefusalReason,
) -> DispatchResultWithPostInfo {
	JobEscrow::reveal_result(
		RuntimeOrigin::signed(who),
		job_id,
		bounded_output(&[]),
		salt(who),
		attest_outcome(job_id, who, Outcome::Refused(reason)),
	)
}

pub(super) fn attestation(job_id: JobId, who: AccountId, out: &[u8]) -> Attestation {
	attestation_by(job_id, who, out)
}

pub(super) fn free(who: AccountId) -> Balance {
	Balances::free_balance(who)
}

pub(super) fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::JobEscrow.into(), &who)
}

pub(super) fn providers_of(job_id: JobId) -> Vec<AccountId> {
	Jobs::<Test>::get(job_id).unwrap().assignments.iter().map(|a| a.provider).collect()
}

pub(super) fn submit(r: Option<u32>) -> JobId {
	let id = NextJobId::<Test>::get();
	assert_ok!(JobEscrow::submit_job(RuntimeOrigin::signed(USER), MODEL, input(), 10_000, r));
	id
}

/// The single provider of a redundancy-1 job answers `out`: it commits, then (the job not
/// audited) reveals; the first error of the two.
pub(super) fn submit_result(
	job_id: JobId,
	who: AccountId,
	out: &[u8],
) -> DispatchResultWithPostInfo {
	commit(job_id, who, out)?;
	reveal(job_id, who, out)
}

pub(super) fn commit(job_id: JobId, who: AccountId, out: &[u8]) -> DispatchResultWithPostInfo {
	let c = commitment_of(&infera_primitives::digest(out), &salt(who), &who);
	JobEscrow::commit_result(RuntimeOrigin::signed(who), job_id, c)
}

pub(super) fn reveal(job_id: JobId, who: AccountId, out: &[u8]) -> DispatchResultWithPostInfo {
	JobEscrow::reveal_result(
		RuntimeOrigin::signed(who),
		job_id,
		bounded_output(out),
		salt(who),
		attestation(job_id, who, out),
	)
}

pub(super) fn run_to_block(n: u64) {
	System::run_to_block::<AllPalletsWithSystem>(n);
}

pub(super) fn status(job_id: JobId) -> JobStatus<u64> {
	Jobs::<Test>::get(job_id).unwrap().status
}

pub(super) fn slashed_events() -> Vec<(AccountId, SlashReason, Balance)> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::JobEscrow(Event::ProviderSlashed {
				provider, reason, amount, ..
			}) => Some((provider, reason, amount)),
			_ => None,
		})
		.collect()
}

pub(super) fn used_slots(who: AccountId) -> u32 {
	MockProviders::get(who).unwrap().used
}

/// Price of a job with `r` default-priced providers: r × 100 + 50 + 10% of r × 100.
pub(super) fn price(r: u32) -> Balance {
	let providers = PRICE * r as Balance;
	providers + AUTHOR_FEE + providers / 10
}

pub(super) const TOTAL_ISSUANCE: Balance = 2 * USER_FUNDS + 3 * SMALL_FUNDS + 5 * PROVIDER_FUNDS;

/// Submits a redundancy-3 job; its id and providers.
pub(super) fn submit3() -> (JobId, [AccountId; 3]) {
	let id = submit(Some(3));
	let p = providers_of(id);
	(id, [p[0], p[1], p[2]])
}
