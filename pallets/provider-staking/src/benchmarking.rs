//! Benchmarks of provider staking, each at its worst case: the most models, every touched
//! per-model index one short of full (so decoding and re-encoding it costs the most), and the
//! most unbonding chunks. Worker keys live in the benchmark's keystore (the CLI provides one),
//! so worker-key proofs are real sr25519 signatures verified by the pallet.
#![cfg(feature = "runtime-benchmarks")]

use super::*;
use frame::{
	benchmarking::prelude::*,
	deps::{sp_core::crypto::KeyTypeId, sp_io},
};
use infera_primitives::traits::ModelBenchmarkHelper;

/// Key type of the benchmark's worker keys.
const KEY_TYPE: KeyTypeId = KeyTypeId(*b"ipsb");

/// The bond used by benchmark providers.
fn bond<T: Config>() -> BalanceOf<T> {
	T::MinProviderStake::get().saturating_mul(2u32.into())
}

/// Gives `who` plenty of free balance.
fn fund<T: Config>(who: &T::AccountId) {
	let amount = T::Currency::minimum_balance()
		.saturating_add(T::MinProviderStake::get().saturating_mul(1_000u32.into()));
	T::Currency::set_balance(who, amount);
}

/// Registers `n` fresh models, each with an index filled to one short of full by stand-in
/// accounts.
fn models<T: Config>(n: u32) -> Result<Vec<ModelId>, BenchmarkError> {
	let author: T::AccountId = account("author", 0, 0);
	let mut out = Vec::new();
	for _ in 0..n {
		let m = T::BenchmarkHelper::create_model(&author)?;
		let fillers: Vec<T::AccountId> = (0..T::MaxProvidersPerModel::get().saturating_sub(1))
			.map(|i| account("filler", i, 0))
			.collect();
		ModelProviders::<T>::insert(m, BoundedVec::truncate_from(fillers));
		out.push(m);
	}
	Ok(out)
}

/// A new worker key in the keystore, and its proof for `who` on this chain.
fn key<T: Config>(who: &T::AccountId) -> Result<(WorkerPublic, WorkerSignature), BenchmarkError> {
	let key = sp_io::crypto::sr25519_generate(KEY_TYPE, None);
	let proof = Pallet::<T>::sign_worker_key_proof(KEY_TYPE, who, &key)
		.ok_or(BenchmarkError::Stop("signing the worker-key proof failed"))?;
	Ok((key, proof))
}

/// Registers the whitelisted caller as a provider of `models`.
fn provider<T: Config>(models: Vec<ModelId>) -> Result<T::AccountId, BenchmarkError> {
	let who: T::AccountId = whitelisted_caller();
	fund::<T>(&who);
	let (worker, proof) = key::<T>(&who)?;
	Pallet::<T>::register_provider(
		RawOrigin::Signed(who.clone()).into(),
		bond::<T>(),
		worker,
		proof,
		models,
		2,
		1u32.into(),
	)?;
	Ok(who)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_provider(
		m: Linear<0, { T::MaxModelsPerProvider::get() }>,
	) -> Result<(), BenchmarkError> {
		let models = models::<T>(m)?;
		let who: T::AccountId = whitelisted_caller();
		fund::<T>(&who);
		let (worker, proof) = key::<T>(&who)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), bond::<T>(), worker, proof, models, 2, 1u32.into());

		assert_eq!(Providers::<T>::get(&who).map(|p| p.worker), Some(worker));
		Ok(())
	}

	#[benchmark]
	fn bond_extra() -> Result<(), BenchmarkError> {
		let who = provider::<T>(Vec::new())?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), T::MinProviderStake::get());

		assert_eq!(
			Ledgers::<T>::get(&who).map(|l| l.bonded),
			Some(bond::<T>().saturating_add(T::MinProviderStake::get()))
		);
		Ok(())
	}

	#[benchmark]
	fn unbond() -> Result<(), BenchmarkError> {
		let who = provider::<T>(Vec::new())?;
		Pallet::<T>::bond_extra(RawOrigin::Signed(who.clone()).into(), T::MinProviderStake::get())?;
		// All chunks but one already used, each in its own block.
		for i in 1..T::MaxUnbondingChunks::get() {
			frame_system::Pallet::<T>::set_block_number(i.into());
			Pallet::<T>::unbond(RawOrigin::Signed(who.clone()).into(), 1u32.into())?;
		}
		frame_system::Pallet::<T>::set_block_number(T::MaxUnbondingChunks::get().into());

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), 1u32.into());

		assert_eq!(
			Ledgers::<T>::get(&who).map(|l| l.unbonding.len() as u32),
			Some(T::MaxUnbondingChunks::get())
		);
		Ok(())
	}

	#[benchmark]
	fn withdraw_unbonded() -> Result<(), BenchmarkError> {
		let who = provider::<T>(Vec::new())?;
		Pallet::<T>::bond_extra(RawOrigin::Signed(who.clone()).into(), T::MinProviderStake::get())?;
		for i in 1..=T::MaxUnbondingChunks::get() {
			frame_system::Pallet::<T>::set_block_number(i.into());
			Pallet::<T>::unbond(RawOrigin::Signed(who.clone()).into(), 1u32.into())?;
		}
		let unlocked =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		frame_system::Pallet::<T>::set_block_number(unlocked);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert_eq!(Ledgers::<T>::get(&who).map(|l| l.unbonding.len()), Some(0));
		Ok(())
	}

	#[benchmark]
	fn set_models(m: Linear<0, { T::MaxModelsPerProvider::get() }>) -> Result<(), BenchmarkError> {
		// Leave every old model (full) and join `m` new ones (full).
		let old = models::<T>(T::MaxModelsPerProvider::get())?;
		let who = provider::<T>(old)?;
		let new = models::<T>(m)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), new.clone());

		assert_eq!(Providers::<T>::get(&who).map(|p| p.models.into_inner()), Some(new));
		Ok(())
	}

	#[benchmark]
	fn set_price() -> Result<(), BenchmarkError> {
		let who = provider::<T>(Vec::new())?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), 9u32.into());

		assert_eq!(Providers::<T>::get(&who).map(|p| p.price), Some(9u32.into()));
		Ok(())
	}

	#[benchmark]
	fn set_capacity() -> Result<(), BenchmarkError> {
		let who = provider::<T>(Vec::new())?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), 9);

		assert_eq!(Providers::<T>::get(&who).map(|p| p.capacity), Some(9));
		Ok(())
	}

	#[benchmark]
	fn rotate_worker_key() -> Result<(), BenchmarkError> {
		let who = provider::<T>(Vec::new())?;
		let (worker, proof) = key::<T>(&who)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), worker, proof);

		assert_eq!(Providers::<T>::get(&who).map(|p| p.worker), Some(worker));
		Ok(())
	}

	#[benchmark]
	fn go_offline() -> Result<(), BenchmarkError> {
		let who = provider::<T>(Vec::new())?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert_eq!(Providers::<T>::get(&who).map(|p| p.online), Some(false));
		Ok(())
	}

	#[benchmark]
	fn go_online() -> Result<(), BenchmarkError> {
		let who = provider::<T>(Vec::new())?;
		Pallet::<T>::go_offline(RawOrigin::Signed(who.clone()).into())?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert_eq!(Providers::<T>::get(&who).map(|p| p.online), Some(true));
		Ok(())
	}

	#[benchmark]
	fn deregister(m: Linear<0, { T::MaxModelsPerProvider::get() }>) -> Result<(), BenchmarkError> {
		let models = models::<T>(m)?;
		let who = provider::<T>(models)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(!Providers::<T>::contains_key(&who));
		Ok(())
	}

	#[benchmark]
	fn set_operator() -> Result<(), BenchmarkError> {
		let who = provider::<T>(Vec::new())?;
		// The worst case replaces an operator: one more read and two more writes.
		let old: T::AccountId = account("operator", 0, 0);
		Pallet::<T>::set_operator(RawOrigin::Signed(who.clone()).into(), Some(old))?;
		let new: T::AccountId = account("operator", 1, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), Some(new.clone()));

		assert_eq!(OperatorOf::<T>::get(&new), Some(who));
		Ok(())
	}

	#[benchmark]
	fn renounce_operator() -> Result<(), BenchmarkError> {
		let who = provider::<T>(Vec::new())?;
		let operator: T::AccountId = account("operator", 0, 0);
		Pallet::<T>::set_operator(RawOrigin::Signed(who.clone()).into(), Some(operator.clone()))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(operator));

		assert!(!Operators::<T>::contains_key(&who));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::ExtBuilder.build(), crate::mock::Test);
}
