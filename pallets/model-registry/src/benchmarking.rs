//! Benchmarks of the model registry, each at its worst case: longest name and URI, specs with
//! the most dimensions, the longest lineage for transfers, a middle version for removal.
#![cfg(feature = "runtime-benchmarks")]

use super::*;
use frame::benchmarking::prelude::*;
use infera_primitives::model::{DType, MAX_DIMS};

/// Gives `who` enough free balance for any number of deposits a benchmark needs.
pub(crate) fn fund<T: Config>(who: &T::AccountId) {
	let amount = T::Currency::minimum_balance()
		.saturating_add(Pallet::<T>::deposit_for(1 << 16).saturating_mul(1_000u32.into()));
	T::Currency::set_balance(who, amount);
}

/// Input, output and rule with the most dimensions a spec can have (the worst case to check and
/// to store), small enough for any configured maximum.
pub(crate) fn small_specs() -> (TensorSpec, TensorSpec, AgreementRule) {
	let shape: infera_primitives::model::Shape =
		BoundedVec::truncate_from(alloc::vec![1u32; MAX_DIMS as usize]);
	let input = TensorSpec { dtype: DType::U8, shape: shape.clone() };
	let output = TensorSpec { dtype: DType::F32, shape };
	(input, output, AgreementRule::TopK { k: 1 })
}

/// A name of `MaxNameLen` bytes that starts with `seed`.
fn long_name<T: Config>(seed: u8) -> Vec<u8> {
	let mut name = alloc::vec![b'a'.saturating_add(seed % 26)];
	name.resize(T::MaxNameLen::get() as usize, b'n');
	name
}

/// A `https://` URI of `MaxUriLen` bytes.
fn long_uri<T: Config>() -> Vec<u8> {
	let mut uri = b"https://".to_vec();
	uri.resize(T::MaxUriLen::get() as usize, b'u');
	uri
}

/// Registers the worst-case first version of a lineage for `owner`.
fn setup_model<T: Config>(owner: &T::AccountId, seed: u8) -> Result<ModelId, BenchmarkError> {
	let (input, output, rule) = small_specs();
	Pallet::<T>::register_model(
		RawOrigin::Signed(owner.clone()).into(),
		long_name::<T>(seed),
		[seed; 32],
		long_uri::<T>(),
		input,
		output,
		rule,
		1u32.into(),
	)?;
	Ok(NextModelId::<T>::get().saturating_sub(1))
}

/// Publishes a worst-case version on top of `predecessor`.
fn setup_version<T: Config>(
	owner: &T::AccountId,
	predecessor: ModelId,
) -> Result<ModelId, BenchmarkError> {
	let (input, output, rule) = small_specs();
	Pallet::<T>::publish_version(
		RawOrigin::Signed(owner.clone()).into(),
		predecessor,
		[9; 32],
		long_uri::<T>(),
		input,
		output,
		rule,
		1u32.into(),
	)?;
	Ok(NextModelId::<T>::get().saturating_sub(1))
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_model() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		let (input, output, rule) = small_specs();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(caller.clone()),
			long_name::<T>(0),
			[0u8; 32],
			long_uri::<T>(),
			input,
			output,
			rule,
			1u32.into(),
		);

		assert!(Models::<T>::contains_key(0));
		Ok(())
	}

	#[benchmark]
	fn publish_version() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		let v1 = setup_model::<T>(&caller, 0)?;
		let (input, output, rule) = small_specs();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(caller.clone()),
			v1,
			[1u8; 32],
			long_uri::<T>(),
			input,
			output,
			rule,
			1u32.into(),
		);

		assert_eq!(Models::<T>::get(v1).and_then(|m| m.successor), Some(v1 + 1));
		Ok(())
	}

	#[benchmark]
	fn deprecate() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		let id = setup_model::<T>(&caller, 0)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id);

		assert!(Models::<T>::get(id).is_some_and(|m| m.deprecated));
		Ok(())
	}

	#[benchmark]
	fn set_fee() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		let id = setup_model::<T>(&caller, 0)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id, 7u32.into());

		assert!(Models::<T>::get(id).is_some_and(|m| m.fee == 7u32.into()));
		Ok(())
	}

	#[benchmark]
	fn transfer_ownership(v: Linear<1, { T::MaxVersions::get() }>) -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		let receiver: T::AccountId = account("receiver", 0, 0);
		fund::<T>(&caller);
		fund::<T>(&receiver);
		let mut latest = setup_model::<T>(&caller, 0)?;
		for _ in 1..v {
			latest = setup_version::<T>(&caller, latest)?;
		}
		let lookup = T::Lookup::unlookup(receiver.clone());

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), latest, lookup);

		assert!(Models::<T>::get(latest).is_some_and(|m| m.owner == receiver));
		Ok(())
	}

	#[benchmark]
	fn remove() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		// Worst case: a middle version, whose two neighbours are relinked.
		let mut target = setup_model::<T>(&caller, 0)?;
		if T::MaxVersions::get() >= 3 {
			target = setup_version::<T>(&caller, target)?;
			setup_version::<T>(&caller, target)?;
		} else if T::MaxVersions::get() == 2 {
			target = setup_version::<T>(&caller, target)?;
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), target);

		assert!(!Models::<T>::contains_key(target));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::ExtBuilder.build(), crate::mock::Test);
}
