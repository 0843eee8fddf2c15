//! Test runtime: System, Balances and the job pallet, with small in-storage mocks of the model
//! and provider registries (kept in storage, not thread-locals, so failed calls roll them back
//! like real pallets).

use crate::{self as pallet_job_escrow, *};
use frame::{
	deps::sp_core::{sr25519, Pair},
	runtime::prelude::*,
	testing_prelude::*,
	traits::fungible::Mutate as _,
};
use infera_primitives::{
	attestation::WorkerPublic,
	model::{AgreementRule, DType, TensorSpec},
	traits::{EligibleProvider, ModelInfo},
};
use polkadot_sdk::{
	pallet_balances,
	sp_keystore::{testing::MemoryKeystore, KeystoreExt},
};

/// Accounts of the mock.
pub type AccountId = u64;
/// Balances of the mock.
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

#[frame_construct_runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeError,
		RuntimeEvent,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeOrigin,
		RuntimeTask
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(2)]
	pub type JobEscrow = pallet_job_escrow;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
}

/// The paying user of most tests.
pub const USER: AccountId = 1;
/// A second user.
pub const USER2: AccountId = 2;
/// A user without funds.
pub const POOR: AccountId = 3;
/// Author of the test models.
pub const AUTHOR: AccountId = 10;
/// The treasury.
pub const TREASURY: AccountId = 999;
/// The audit reserve.
pub const AUDIT_RESERVE: AccountId = 998;
/// The registered providers.
pub const PROVIDERS: [AccountId; 5] = [21, 22, 23, 24, 25];
/// An account that is not a provider.
pub const STRANGER: AccountId = 30;
/// The active test model.
pub const MODEL: ModelId = 0;
/// A deprecated model.
pub const DEPRECATED_MODEL: ModelId = 1;
/// Input length of the test models.
pub const INPUT_LEN: u32 = 8;
/// Canonical output length of the test models.
pub const OUTPUT_LEN: u32 = 4;
/// Author fee of the test models.
pub const AUTHOR_FEE: Balance = 50;
/// Default price of a provider.
pub const PRICE: Balance = 100;
/// Default bond of a provider.
pub const STAKE: Balance = 500;
/// Initial free balance of users.
pub const USER_FUNDS: Balance = 10_000;
/// Initial free balance of providers (their bond is modelled as part of it).
pub const PROVIDER_FUNDS: Balance = 1_000;
/// Initial balance of author and treasury.
pub const SMALL_FUNDS: Balance = 100;

parameter_types! {
	pub static DefaultRedundancy: u32 = 1;
	pub static AllowedRedundancy: u32 = 5;
	pub static CommitPeriod: u64 = 10;
	pub static RevealPeriod: u64 = 5;
	pub static WrongResultSlash: Perbill = Perbill::from_percent(10);
	pub static TimeoutSlash: Perbill = Perbill::from_percent(5);
	pub static ProtocolFee: Perbill = Perbill::from_percent(10);
	pub static MaxInput: u32 = 64;
	pub static MaxOutput: u32 = 32;
	pub static Retention: u64 = 20;
	pub static CancelGrace: u64 = 3;
	pub static ByteFee: Balance = 0;
	pub static AuditRate: Perbill = Perbill::zero();
	pub static MaxExpiriesPerBlock: u32 = 8;
	pub const Treasury: AccountId = TREASURY;
	pub const AuditReserve: AccountId = AUDIT_RESERVE;
}

/// The governance parameters of the mock: mutable statics, standing in for `pallet-parameters`.
pub type Params = ParametersFromGets<
	DefaultRedundancy,
	AllowedRedundancy,
	CommitPeriod,
	RevealPeriod,
	WrongResultSlash,
	TimeoutSlash,
	ProtocolFee,
	MaxInput,
	MaxOutput,
	Retention,
	CancelGrace,
	ByteFee,
	AuditRate,
>;

/// A model in the mock registry.
#[derive(Encode, Decode, Clone, PartialEq, Debug)]
pub struct MockModel {
	/// Author.
	pub owner: AccountId,
	/// Author fee.
	pub fee: Balance,
	/// Input length.
	pub input_len: u32,
	/// Canonical output length.
	pub output_len: u32,
	/// Deprecated.
	pub deprecated: bool,
	/// Open jobs (acquire − release).
	pub open_jobs: u32,
}

/// A provider in the mock registry; its bond is modelled as part of its free balance.
#[derive(Encode, Decode, Clone, PartialEq, Debug)]
pub struct MockProvider {
	/// Bond.
	pub stake: Balance,
	/// Price per inference.
	pub price: Balance,
	/// Concurrent jobs.
	pub capacity: u32,
	/// Slots in use.
	pub used: u32,
	/// Online.
	pub online: bool,
	/// Worker key.
	pub worker: Option<[u8; 32]>,
	/// Served models.
	pub models: Vec<ModelId>,
}

/// Mock model registry storage.
#[frame::storage_alias]
pub type MockModels = StorageMap<Mock, Twox64Concat, ModelId, MockModel>;
/// Mock provider registry storage.
#[frame::storage_alias]
pub type MockProviders = StorageMap<Mock, Twox64Concat, AccountId, MockProvider>;
/// Mock operators: operator account → the provider it answers for.
#[frame::storage_alias]
pub type MockOperators = StorageMap<Mock, Twox64Concat, AccountId, AccountId>;
/// Seed mixed into the mock randomness.
#[frame::storage_alias]
pub type RandomSeed = StorageValue<Mock, u64, ValueQuery>;

/// The artifact hash of a mock model.
pub fn artifact_hash(id: ModelId) -> Digest {
	infera_primitives::digest(&(b"artifact", id).encode())
}

fn spec(len: u32) -> TensorSpec {
	TensorSpec { dtype: DType::U8, shape: vec![len].try_into().expect("one dimension") }
}

/// [`ModelRegistry`] of the mock.
pub struct Models;
impl ModelRegistry<AccountId, Balance> for Models {
	fn model(id: ModelId) -> Option<ModelInfo<AccountId, Balance>> {
		MockModels::get(id).map(|m| ModelInfo {
			owner: m.owner,
			fee: m.fee,
			artifact_hash: artifact_hash(id),
			input: spec(m.input_len),
			output: spec(m.output_len),
			rule: AgreementRule::Exact,
			input_len: m.input_len,
			canonical_output_len: m.output_len,
			deprecated: m.deprecated,
		})
	}
	fn latest_version(id: ModelId) -> Option<ModelId> {
		MockModels::contains_key(id).then_some(id)
	}
	fn acquire(id: ModelId) -> DispatchResult {
		MockModels::try_mutate(id, |m| {
			let m = m.as_mut().ok_or(DispatchError::Other("unknown model"))?;
			ensure!(!m.deprecated, DispatchError::Other("deprecated model"));
			m.open_jobs += 1;
			Ok(())
		})
	}
	fn release(id: ModelId) {
		MockModels::mutate(id, |m| {
			if let Some(m) = m {
				m.open_jobs = m.open_jobs.checked_sub(1).expect("release without acquire");
			}
		})
	}
}

/// [`ProviderRegistry`] of the mock.
pub struct Providers;
impl ProviderRegistry<AccountId, Balance> for Providers {
	fn eligible_providers(model: ModelId) -> Vec<EligibleProvider<AccountId, Balance>> {
		let mut eligible: Vec<_> = MockProviders::iter()
			.filter(|(_, p)| p.online && p.used < p.capacity && p.models.contains(&model))
			.map(|(who, p)| EligibleProvider { who, stake: p.stake, price: p.price })
			.collect();
		eligible.sort_by_key(|p| p.who);
		eligible
	}
	fn reserve_slot(who: &AccountId) -> DispatchResult {
		MockProviders::try_mutate(who, |p| {
			let p = p.as_mut().ok_or(DispatchError::Other("not a provider"))?;
			ensure!(p.online && p.used < p.capacity, DispatchError::Other("no free slot"));
			p.used += 1;
			Ok(())
		})
	}
	fn release_slot(who: &AccountId) {
		MockProviders::mutate(who, |p| {
			if let Some(p) = p {
				p.used = p.used.checked_sub(1).expect("release without reserve");
			}
		})
	}
	fn worker_key(who: &AccountId) -> Option<WorkerPublic> {
		MockProviders::get(who).and_then(|p| p.worker).map(sr25519::Public::from_raw)
	}
	fn acting_for(signer: &AccountId) -> AccountId {
		MockOperators::get(signer).unwrap_or(*signer)
	}
	fn slash(
		who: &AccountId,
		ratio: Perbill,
		_reason: SlashReason,
		beneficiaries: &[AccountId],
	) -> Balance {
		let Some(mut p) = MockProviders::get(who) else { return 0 };
		let amount = ratio.mul_floor(p.stake);
		p.stake -= amount;
		MockProviders::insert(who, p);
		let share = amount.checked_div(beneficiaries.len() as Balance).unwrap_or(0);
		for dest in beneficiaries {
			Balances::transfer(who, dest, share, Preservation::Expendable)
				.expect("the bond is part of the free balance");
		}
		let rest = amount - share * beneficiaries.len() as Balance;
		Balances::transfer(who, &TREASURY, rest, Preservation::Expendable)
			.expect("the bond is part of the free balance");
		amount
	}
}

/// Predictable randomness of the mock: a hash of the subject, a settable seed and the block.
pub struct MockRandomness;
impl frame::traits::Randomness<H256, u64> for MockRandomness {
	fn random(subject: &[u8]) -> (H256, u64) {
		let block = System::block_number();
		(H256(blake2_256(&(subject, RandomSeed::get(), block).encode())), block)
	}
}

/// Benchmark helper of the mock: registers models and providers in the mock registries.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl BenchmarkHelper<AccountId> for MockBenchmarkHelper {
	fn create_model(input_len: u32, output_len: u32) -> Result<ModelId, DispatchError> {
		let id = 100 + MockModels::iter_keys().count() as ModelId;
		MockModels::insert(
			id,
			MockModel {
				owner: AUTHOR,
				fee: AUTHOR_FEE,
				input_len,
				output_len,
				deprecated: false,
				open_jobs: 0,
			},
		);
		Ok(id)
	}
	fn create_provider(
		model: ModelId,
		who: &AccountId,
		worker: WorkerPublic,
		capacity: u32,
	) -> Result<(), DispatchError> {
		Balances::set_balance(who, PROVIDER_FUNDS);
		MockProviders::insert(
			who,
			MockProvider {
				stake: STAKE,
				price: PRICE,
				capacity,
				used: 0,
				online: true,
				worker: Some(worker.0),
				models: vec![model],
			},
		);
		Ok(())
	}
}

impl pallet_job_escrow::Config for Test {
	type WeightInfo = ();
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Models = Models;
	type Providers = Providers;
	type Randomness = MockRandomness;
	type Parameters = Params;
	type TreasuryAccount = Treasury;
	type AuditReserve = AuditReserve;
	type MaxRedundancy = ConstU32<5>;
	type MaxInputBytes = ConstU32<64>;
	type MaxOutputBytes = ConstU32<32>;
	type MaxCandidates = ConstU32<16>;
	type MaxDeadlinesPerBlock = ConstU32<4>;
	type MaxExpiriesPerBlock = MaxExpiriesPerBlock;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

/// The worker key pair of provider `who`.
pub fn worker(who: AccountId) -> sr25519::Pair {
	sr25519::Pair::from_seed(&[who as u8; 32])
}

/// Builds test externalities with two models, five providers and funded users:
/// `ExtBuilder.build_and_execute(..)`, or `ExtBuilder.providers(2).seed(7).build_and_execute(..)`.
#[derive(Default, Clone, Copy)]
pub struct ExtBuilder;

impl ExtBuilder {
	/// Only the first `n` providers are registered.
	pub fn providers(self, n: usize) -> Builder {
		Builder::default().providers(n)
	}

	/// Changes provider `who`.
	pub fn provider(self, who: AccountId, f: impl FnOnce(&mut MockProvider)) -> Builder {
		Builder::default().provider(who, f)
	}

	/// Seed of the mock randomness.
	pub fn seed(self, seed: u64) -> Builder {
		Builder::default().seed(seed)
	}

	/// The default externalities, at block 1.
	pub fn build(self) -> TestState {
		Builder::default().build()
	}

	/// Runs `test` in the default externalities, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		Builder::default().build_and_execute(test)
	}
}

/// A configured [`ExtBuilder`].
pub struct Builder {
	providers: Vec<(AccountId, MockProvider)>,
	seed: u64,
}

impl Default for Builder {
	fn default() -> Self {
		let providers = PROVIDERS
			.iter()
			.map(|&who| {
				(
					who,
					MockProvider {
						stake: STAKE,
						price: PRICE,
						capacity: 2,
						used: 0,
						online: true,
						worker: Some(worker(who).public().0),
						models: vec![MODEL, DEPRECATED_MODEL],
					},
				)
			})
			.collect();
		Builder { providers, seed: 0 }
	}
}

impl Builder {
	/// Only the first `n` providers are registered.
	pub fn providers(mut self, n: usize) -> Self {
		self.providers.truncate(n);
		self
	}

	/// Changes provider `who` (which must be registered).
	pub fn provider(mut self, who: AccountId, f: impl FnOnce(&mut MockProvider)) -> Self {
		if let Some((_, p)) = self.providers.iter_mut().find(|(w, _)| *w == who) {
			f(p);
		}
		self
	}

	/// Seed of the mock randomness.
	pub fn seed(mut self, seed: u64) -> Self {
		self.seed = seed;
		self
	}

	/// Resets the parameters to their defaults (they are thread-local statics).
	fn reset_parameters() {
		DefaultRedundancy::set(1);
		CommitPeriod::set(10);
		RevealPeriod::set(5);
		WrongResultSlash::set(Perbill::from_percent(10));
		TimeoutSlash::set(Perbill::from_percent(5));
		ProtocolFee::set(Perbill::from_percent(10));
		MaxInput::set(64);
		MaxOutput::set(32);
		Retention::set(20);
		CancelGrace::set(3);
		ByteFee::set(0);
		AuditRate::set(Perbill::zero());
		MaxExpiriesPerBlock::set(8);
	}

	/// The externalities, at block 1.
	pub fn build(self) -> TestState {
		Self::reset_parameters();
		let mut storage =
			frame_system::GenesisConfig::<Test>::default().build_storage().expect("valid genesis");
		let mut balances = vec![
			(USER, USER_FUNDS),
			(USER2, USER_FUNDS),
			(AUTHOR, SMALL_FUNDS),
			(TREASURY, SMALL_FUNDS),
			(AUDIT_RESERVE, SMALL_FUNDS),
		];
		balances.extend(self.providers.iter().map(|(who, _)| (*who, PROVIDER_FUNDS)));
		pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
			.assimilate_storage(&mut storage)
			.expect("valid balances");
		let mut ext = TestState::new(storage);
		ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
		ext.execute_with(|| {
			System::set_block_number(1);
			RandomSeed::put(self.seed);
			let model = |deprecated| MockModel {
				owner: AUTHOR,
				fee: AUTHOR_FEE,
				input_len: INPUT_LEN,
				output_len: OUTPUT_LEN,
				deprecated,
				open_jobs: 0,
			};
			MockModels::insert(MODEL, model(false));
			MockModels::insert(DEPRECATED_MODEL, model(true));
			for (who, p) in self.providers {
				MockProviders::insert(who, p);
			}
		});
		ext
	}

	/// Runs `test`, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			JobEscrow::do_try_state().expect("invariants hold after the test");
		})
	}
}

/// Externalities for the benchmark tests.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_bench_ext() -> TestState {
	ExtBuilder.build()
}
