//! Assignment of a job: the stake-weighted draw of its providers, their capacity slots, and the
//! input written to the off-chain index for them.

use crate::*;

/// Domain tag of the randomness subject used for provider assignment.
pub(crate) const ASSIGN_SUBJECT: &[u8] = b"infera/job-escrow/assign";

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

	/// Draws up to `r` providers from `pool`, stake-weighted, without replacement, from the
	/// configured randomness under `subject` (a domain tag) and the job id.
	pub(crate) fn draw(
		mut pool: Vec<EligibleProvider<T::AccountId, BalanceOf<T>>>,
		r: u32,
		job_id: JobId,
		subject: &[u8],
	) -> Vec<EligibleProvider<T::AccountId, BalanceOf<T>>> {
		let (seed, _known_since) = T::Randomness::random(&(subject, job_id).encode());
		let seed = seed.encode();
		let mut picked = Vec::with_capacity(r as usize);
		for draw in 0..r {
			if pool.is_empty() {
				break;
			}
			let random = frame::hashing::blake2_256(&(&seed, draw).encode());
			let mut bytes = [0u8; 16];
			bytes.copy_from_slice(&random[..16]);
			let random = u128::from_le_bytes(bytes);
			let total: u128 = pool
				.iter()
				.fold(0u128, |acc, p| acc.saturating_add(p.stake.saturated_into::<u128>()));
			let index = if total == 0 {
				(random % pool.len() as u128) as usize
			} else {
				let mut point = random % total;
				pool.iter()
					.position(|p| {
						let stake = p.stake.saturated_into::<u128>();
						if point < stake {
							true
						} else {
							point -= stake;
							false
						}
					})
					.unwrap_or(pool.len() - 1)
			};
			picked.push(pool.swap_remove(index));
		}
		picked
	}
}
