//! Read-only views of provider staking for the marketplace API (`infera_primitives::market`).

use crate::{BalanceOf, Config, Ledgers, ModelProviders, Operators, Pallet, Providers};
use alloc::vec::Vec;
use frame::prelude::*;
use infera_primitives::{market::ProviderView, ModelId};

/// A provider as the marketplace API shows it.
pub type ProviderViewOf<T> =
	ProviderView<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

impl<T: Config> Pallet<T> {
	/// Provider `who`'s stake and terms. Its `record` (answers and slashes) is kept by the job
	/// pallet and left at its default here, for the runtime to fill in.
	pub fn provider_view(who: &T::AccountId) -> Option<ProviderViewOf<T>> {
		let p = Providers::<T>::get(who)?;
		let ledger = Ledgers::<T>::get(who);
		let bonded = ledger.as_ref().map_or_else(Zero::zero, |l| l.bonded);
		let unbonding =
			ledger.as_ref().map_or_else(Zero::zero, |l| l.total().saturating_sub(l.bonded));
		Some(ProviderView {
			account: who.clone(),
			worker: p.worker.0,
			operator: Operators::<T>::get(who),
			bonded,
			unbonding,
			unlocking: ledger.map(|l| l.unbonding.into_inner()).unwrap_or_default(),
			price: p.price,
			capacity: p.capacity,
			active_jobs: p.active_jobs,
			online: p.online,
			models: p.models.into_inner(),
			record: Default::default(),
		})
	}

	/// The providers serving `model` (online or not), in registration order; the index is
	/// bounded by `MaxProvidersPerModel`.
	pub fn providers_of(model: ModelId) -> Vec<T::AccountId> {
		ModelProviders::<T>::get(model).into_inner()
	}
}
