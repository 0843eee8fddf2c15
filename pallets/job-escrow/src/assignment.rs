//! Assignment of a job: the stake-weighted draw of its providers, their capacity slots, and the
//! input written to the off-chain index for them.

use crate::*;

pub(crate) use infera_primitives::draw::{ARBITRATE_SUBJECT, ASSIGN_SUBJECT};

impl<T: Config> Pallet<T> {
	/// Reserves a capacity slot of each provider drawn for job `job_id` and indexes the job under
	/// them (`AssignedJobs`), where their off-chain workers find it.
	pub(crate) fn reserve_slots(
		job_id: JobId,
		picked: &[EligibleProvider<T::AccountId, BalanceOf<T>>],
	) -> DispatchResult {
		for p in picked {
			T::Providers::reserve_slot(&p.who)?;
			AssignedJobs::<T>::insert(&p.who, job_id, ());
		}
		Ok(())
	}

	/// Hashes job `job_id`'s input and writes it to the off-chain index, where the providers'
	/// off-chain workers read it (see [`input_key`]). Returns the hash the attestations sign.
	pub(crate) fn record_input(job_id: JobId, input: &[u8]) -> Digest {
		let input_hash = digest(input);
		frame::deps::sp_io::offchain_index::set(&input_key(job_id, &input_hash), input);
		input_hash
	}

	/// The eligible providers of `job`'s model that are not already among its providers (at
	/// most `MaxCandidates`): whom an auditor or arbitrators are drawn from.
	pub(crate) fn outside_pool(job: &Job<T>) -> Vec<EligibleProvider<T::AccountId, BalanceOf<T>>> {
		let mut pool = T::Providers::eligible_providers(job.model);
		pool.retain(|p| !job.assignments.iter().any(|a| a.provider == p.who));
		pool.truncate(T::MaxCandidates::get() as usize);
		pool
	}

	/// Draws up to `r` providers from `pool`, stake-weighted, without replacement, from the
	/// configured randomness under `domain` (a domain tag) and the job id: the algorithm of
	/// [`infera_primitives::draw`], seeded with the SCALE encoding of the random hash.
	pub(crate) fn draw(
		pool: Vec<EligibleProvider<T::AccountId, BalanceOf<T>>>,
		r: u32,
		job_id: JobId,
		domain: &[u8],
	) -> Vec<EligibleProvider<T::AccountId, BalanceOf<T>>> {
		let (seed, _known_since) =
			T::Randomness::random(&infera_primitives::draw::subject(domain, job_id));
		let stakes: Vec<u128> = pool.iter().map(|p| p.stake.saturated_into::<u128>()).collect();
		let picked = infera_primitives::draw::draw(&seed.encode(), &stakes, r);
		let mut pool: Vec<Option<_>> = pool.into_iter().map(Some).collect();
		picked.into_iter().filter_map(|i| pool.get_mut(i).and_then(Option::take)).collect()
	}
}
