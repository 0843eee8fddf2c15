//! The pallet's invariants, checked by `try_state` and after every unit test.

use crate::*;

impl<T: Config> Pallet<T> {
	/// Checks the pallet's invariants:
	/// - every ledger's `bonded + unbonding` equals the balance held for `ProviderStake`, and a
	///   ledger without provider holds something;
	/// - every provider has a ledger, `0 < capacity`, `active_jobs ≤ capacity`, a bond of at
	///   least the minimum when online, distinct models each indexed to it, and its worker key
	///   mapped to it;
	/// - every index entry is a provider listing that model, without duplicates, and every
	///   worker key belongs to its provider;
	/// - every operator serves one registered provider, is not a provider itself, and the two
	///   operator maps mirror each other.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), frame::deps::sp_runtime::TryRuntimeError> {
		use frame::traits::fungible::InspectHold;
		for (who, ledger) in Ledgers::<T>::iter() {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::ProviderStake.into(), &who)
					== ledger.total(),
				"held stake differs from bonded + unbonding"
			);
			ensure!(
				!ledger.is_empty() || Providers::<T>::contains_key(&who),
				"empty ledger of a non-provider"
			);
		}
		for (who, p) in Providers::<T>::iter() {
			let ledger = Ledgers::<T>::get(&who).ok_or("provider without ledger")?;
			ensure!(p.capacity > 0, "zero capacity");
			ensure!(p.active_jobs <= p.capacity, "more active jobs than capacity");
			ensure!(
				!p.online || ledger.bonded >= T::MinProviderStake::get(),
				"online provider below minimum bond"
			);
			for (i, m) in p.models.iter().enumerate() {
				ensure!(!p.models[..i].contains(m), "duplicate model of a provider");
				ensure!(ModelProviders::<T>::get(m).contains(&who), "provider missing in index");
			}
			ensure!(WorkerKeys::<T>::get(p.worker) == Some(who), "worker key not mapped");
		}
		for (m, list) in ModelProviders::<T>::iter() {
			ensure!(!list.is_empty(), "empty index entry kept");
			for (i, who) in list.iter().enumerate() {
				ensure!(!list[..i].contains(who), "duplicate provider in index");
				let p = Providers::<T>::get(who).ok_or("index lists a non-provider")?;
				ensure!(p.models.contains(&m), "index lists a provider not serving the model");
			}
		}
		for (key, who) in WorkerKeys::<T>::iter() {
			let p = Providers::<T>::get(&who).ok_or("worker key of a non-provider")?;
			ensure!(p.worker == key, "worker key maps to another provider");
		}
		for (provider, operator) in Operators::<T>::iter() {
			ensure!(Providers::<T>::contains_key(&provider), "operator of a non-provider");
			ensure!(!Providers::<T>::contains_key(&operator), "a provider is an operator");
			ensure!(
				OperatorOf::<T>::get(&operator) == Some(provider),
				"operator index out of step"
			);
		}
		ensure!(
			OperatorOf::<T>::iter_keys().count() == Operators::<T>::iter_keys().count(),
			"operator index holds stale entries"
		);
		Ok(())
	}
}
