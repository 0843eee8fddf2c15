//! The engine against PyTorch: same outputs, and canonical bytes that do not depend on batch
//! size or thread count.

use crate::common::{canonical, engine, engine_config, f32_bytes, f32_values, fixtures};
use futures::future::join_all;
use infera_primitives::{canonical::canonicalize, model::AgreementRule};
use infera_worker::engine::Engine;

const MODELS: [&str; 2] = ["digits-mlp", "digits-cnn"];

/// Raw outputs (rule `Exact`) of `name` on the first `n` held-out inputs, sent concurrently,
/// with the batch size each was computed in.
async fn raw_outputs(engine: &Engine, name: &str, n: usize) -> Vec<(Vec<u8>, usize)> {
	let f = fixtures();
	engine.load_model(f.hash(name), f.uri(name), f.spec(name, AgreementRule::Exact)).await.unwrap();
	let hash = f.hash(name);
	let results = join_all(f.inputs[..n].iter().map(|x| engine.infer(&hash, x.clone()))).await;
	results
		.into_iter()
		.map(|r| r.map(|r| (canonical(r.answer), r.batch.batch_size)).unwrap())
		.collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outputs_match_pytorch_and_reach_its_accuracy() {
	let f = fixtures();
	let cache = tempfile::tempdir().unwrap();
	let engine = engine(cache.path(), engine_config(16, 1));
	for name in MODELS {
		let outputs = raw_outputs(&engine, name, f.inputs.len()).await;
		let expected = f.expected(name);
		let mut correct = 0;
		for (i, (raw, _)) in outputs.iter().enumerate() {
			let got = f32_values(raw);
			let want = &expected[i * 10..(i + 1) * 10];
			for (g, w) in got.iter().zip(want) {
				assert!(
					(g - w).abs() <= 1e-4 * w.abs().max(1.0),
					"{name} sample {i}: {got:?} vs {want:?}"
				);
			}
			let top =
				canonicalize(&AgreementRule::TopK { k: 1 }, &f.model(name).output, raw).unwrap();
			correct += usize::from(u32::from_le_bytes(top[..4].try_into().unwrap()) == f.labels[i]);
		}
		let accuracy = correct as f64 / f.labels.len() as f64;
		println!("{name}: held-out accuracy {accuracy:.4} over {} inputs", f.labels.len());
		assert!((accuracy - f.model(name).heldout_accuracy.expect("scored")).abs() < 1e-3);
		assert!(accuracy > 0.9);
	}
}

/// Whether two raw outputs of one input differ only by float noise (at most 1e-4 per element)
/// and yet round differently under `rule`: the residual risk of `Quantized` that
/// `infera_primitives::canonical` documents (a value within noise of a rounding boundary).
fn straddles_rounding_boundary(rule: &AgreementRule, a: &[f32], b: &[f32]) -> bool {
	const NOISE: f32 = 1e-4;
	let scale = match rule {
		AgreementRule::Quantized { decimals } => 10f64.powi(i32::from(*decimals)),
		AgreementRule::Exact | AgreementRule::TopK { .. } => return false,
	};
	let round = |x: f32| (f64::from(x) * scale).round();
	a.iter().zip(b).all(|(x, y)| (x - y).abs() <= NOISE)
		&& a.iter().zip(b).any(|(x, y)| round(*x) != round(*y))
}

/// Canonical bytes under `TopK` never depend on batch size or threads for these models and
/// inputs; under `Quantized` they differ only where float noise straddles a rounding boundary
/// (reported, and bounded). With the current export, input 10 of digits-cnn has a logit of
/// -1.7875 ± 4e-6 at 3 decimals.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canonical_bytes_do_not_depend_on_batch_size_or_threads() {
	const N: usize = 48;
	const MAX_BATCH: usize = 8;
	/// Inputs (of `N`) whose quantized bytes may be split by float noise at a boundary.
	const MAX_SPLIT_INPUTS: usize = 2;
	let f = fixtures();
	let rules = [
		AgreementRule::TopK { k: 1 },
		AgreementRule::TopK { k: 3 },
		AgreementRule::Quantized { decimals: 3 },
	];
	for name in MODELS {
		let spec = &f.model(name).output;
		let canonical = |raw: &[(Vec<u8>, usize)]| -> Vec<Vec<Vec<u8>>> {
			rules
				.iter()
				.map(|rule| raw.iter().map(|(r, _)| canonicalize(rule, spec, r).unwrap()).collect())
				.collect()
		};
		let mut reference = None;
		let mut exact_differences = Vec::new();
		let mut straddling = Vec::new();
		for threads in [1, 2] {
			for max_batch in 1..=MAX_BATCH {
				let cache = tempfile::tempdir().unwrap();
				let engine = engine(cache.path(), engine_config(max_batch, threads));
				let raw = raw_outputs(&engine, name, N).await;
				let largest = raw.iter().map(|(_, b)| *b).max().unwrap();
				assert!(largest <= max_batch);
				assert!(
					max_batch == 1 || largest > 1,
					"no batching happened with max_batch {max_batch}"
				);
				let (ref_raw, ref_canonical) =
					reference.get_or_insert_with(|| (raw.clone(), canonical(&raw)));
				for (r, (rule, (got, want))) in
					rules.iter().zip(canonical(&raw).iter().zip(ref_canonical.iter())).enumerate()
				{
					for (i, (g, w)) in got.iter().zip(want).enumerate() {
						if g == w {
							continue;
						}
						let (a, b) = (f32_values(&raw[i].0), f32_values(&ref_raw[i].0));
						assert!(
							straddles_rounding_boundary(rule, &a, &b),
							"{name}: threads {threads}, max batch {max_batch}, rule {r}, input {i}: \
							 {a:?} vs {b:?}"
						);
						straddling.push(((threads, max_batch), *rule, i));
					}
				}
				let exact_diff = raw.iter().zip(ref_raw.iter()).filter(|(a, b)| a.0 != b.0).count();
				exact_differences.push(((threads, max_batch), exact_diff));
			}
		}
		// `Exact` compares raw float bits; it is reported, not asserted: batch size and thread
		// count may change the kernels' summation order, hence the last bits.
		println!("{name}: outputs whose raw bytes differ from threads 1 / batch 1: {exact_differences:?}");
		println!(
			"{name}: quantized outputs split by float noise at a rounding boundary: {straddling:?}"
		);
		// A handful of inputs near a boundary is the documented risk; more would mean noise
		// beyond the last bits.
		let split_inputs: std::collections::BTreeSet<usize> =
			straddling.iter().map(|(_, _, i)| *i).collect();
		assert!(split_inputs.len() <= MAX_SPLIT_INPUTS, "{name}: {split_inputs:?}");
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evicted_model_is_reloaded_from_the_cache() {
	let f = fixtures();
	let cache = tempfile::tempdir().unwrap();
	let mut config = engine_config(4, 1);
	config.max_models = 1;
	let engine = engine(cache.path(), config);
	for name in MODELS {
		let rule = f.model(name).rule;
		engine.load_model(f.hash(name), f.uri(name), f.spec(name, rule)).await.unwrap();
	}
	let models = engine.models();
	assert_eq!(models.iter().filter(|m| m.loaded).count(), 1, "{models:?}");
	// The MLP was evicted by the CNN; infer loads it again.
	let mlp = f.hash("digits-mlp");
	let out = engine.infer(&mlp, f.inputs[0].clone()).await.unwrap();
	let expected = f32_bytes(&f.expected("digits-mlp")[..10]);
	assert_eq!(
		canonical(out.answer),
		canonicalize(&AgreementRule::TopK { k: 1 }, &f.model("digits-mlp").output, &expected)
			.unwrap()
	);
	assert_eq!(engine.loaded(), vec![format!("0x{}", hex::encode(mlp))]);
	assert!(engine.unload_model(&mlp));
	assert!(!engine.unload_model(&mlp));
}
