//! Signed refusals: inputs the model cannot answer (non-finite output, a forward pass that
//! raises) get a signed refusal for that request alone, and the worker keeps serving.

use crate::{
	common::{
		api, engine_config, f32_bytes, fixtures, infer_params, infer_params_for, load_params,
		script_model, GENESIS,
	},
	rpc::{call, hex_bytes},
};
use futures::future::join_all;
use infera_primitives::{
	attestation::{AttestationPayload, Outcome, RefusalReason},
	digest,
	model::AgreementRule,
	Digest, Hash,
};
use infera_worker::api::{rpc_module, Api, JsonOutcome};
use jsonrpsee::RpcModule;
use polkadot_sdk::sp_core::sr25519;
use serde_json::{json, Value};

/// A module over a fresh engine batching up to `max_batch` requests.
fn module(max_batch: usize) -> (RpcModule<Api>, tempfile::TempDir) {
	let cache = tempfile::tempdir().unwrap();
	(rpc_module(api(cache.path(), engine_config(max_batch, 1))), cache)
}

/// The outcome of an `infer` result, typed.
fn outcome_of(result: &Value) -> Outcome {
	serde_json::from_value::<JsonOutcome>(result["outcome"].clone()).unwrap().into()
}

/// Checks that `result` is the worker's (`//Alice`) valid attestation of `outcome` for this
/// job on [`GENESIS`], and not on another chain.
fn assert_attested(result: &Value, model: Digest, input: &[u8], job_id: u64, outcome: Outcome) {
	let payload = AttestationPayload {
		genesis_hash: GENESIS,
		job_id,
		model_hash: model,
		input_hash: digest(input),
		outcome,
	};
	let public = sr25519::Public::from_raw(hex_bytes(&result["worker"]).try_into().unwrap());
	let signature =
		sr25519::Signature::from_raw(hex_bytes(&result["signature"]).try_into().unwrap());
	assert!(payload.verify(&signature, &public), "{result}");
	let elsewhere = AttestationPayload { genesis_hash: Hash::repeat_byte(7), ..payload };
	assert!(!elsewhere.verify(&signature, &public));
}

#[tokio::test]
async fn nan_input_gets_a_signed_non_finite_refusal() {
	let f = fixtures();
	let (module, _cache) = module(4);
	call(&module, "load_model", load_params("digits-mlp", AgreementRule::TopK { k: 1 }))
		.await
		.unwrap();
	let nan = f32_bytes(&[f32::NAN; 64]);
	let result = call(&module, "infer", infer_params("digits-mlp", &nan, 11)).await.unwrap();
	assert_eq!(result["outcome"], json!({"refused": "non_finite_output"}));
	assert_eq!(result["output"], "");
	let refusal = Outcome::Refused(RefusalReason::NonFiniteOutput);
	assert_eq!(outcome_of(&result), refusal);
	assert_attested(&result, f.hash("digits-mlp"), &nan, 11, refusal);
}

#[tokio::test]
async fn nan_in_a_batch_refuses_only_that_request() {
	const N: usize = 7;
	const NAN_AT: usize = 3;
	let f = fixtures();
	let name = "digits-cnn";
	let rule = AgreementRule::Quantized { decimals: 3 };
	let mut inputs: Vec<Vec<u8>> = f.inputs[..N].to_vec();
	inputs[NAN_AT] = f32_bytes(&[f32::NAN; 64]);

	// Unbatched reference answers.
	let (alone, _cache) = module(1);
	call(&alone, "load_model", load_params(name, rule)).await.unwrap();
	let mut reference = Vec::new();
	for (i, input) in inputs.iter().enumerate() {
		reference.push(call(&alone, "infer", infer_params(name, input, i as u64)).await.unwrap());
	}

	let (batched, _cache) = module(8);
	call(&batched, "load_model", load_params(name, rule)).await.unwrap();
	let calls = inputs
		.iter()
		.enumerate()
		.map(|(i, input)| call(&batched, "infer", infer_params(name, input, i as u64)));
	let results: Vec<Value> = join_all(calls).await.into_iter().map(Result::unwrap).collect();
	for (i, (result, reference)) in results.iter().zip(&reference).enumerate() {
		assert_eq!(reference["timings"]["batch_size"], 1);
		if i == NAN_AT {
			assert_eq!(result["outcome"], json!({"refused": "non_finite_output"}));
			assert_eq!(result["output"], "");
		} else {
			assert!(result["timings"]["batch_size"].as_u64().unwrap() > 1, "{result}");
			assert!(matches!(outcome_of(result), Outcome::Output(_)), "{result}");
			assert_eq!(result["output"], reference["output"], "request {i}");
		}
		assert_eq!(result["outcome"], reference["outcome"], "request {i}");
		assert_attested(result, f.hash(name), &inputs[i], i as u64, outcome_of(result));
	}
}

/// A TorchScript model that doubles its 4 inputs but raises when their sum is negative.
const PICKY: &str = r#"
class Model(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if bool((x.sum(dim=1) < 0).any()):
            raise RuntimeError("negative input sum")
        return x * 2.0
"#;

#[tokio::test]
async fn model_that_raises_gets_forward_failed_refusal_and_keeps_serving() {
	let dir = tempfile::tempdir().unwrap();
	let (uri, hash) = script_model(dir.path(), "picky.pt", PICKY);
	let (module, _cache) = module(8);
	let spec = json!({"dtype": "f32", "shape": [4]});
	let load = json!({
		"hash": format!("0x{}", hex::encode(hash)),
		"uri": uri,
		"input": spec,
		"output": spec,
		"rule": {"quantized": {"decimals": 3}},
	});
	call(&module, "load_model", load).await.unwrap();

	let inputs: Vec<Vec<u8>> = (0..5)
		.map(|i| {
			let sign = if i == 2 { -1.0 } else { 1.0 };
			f32_bytes(&[sign * (i as f32 + 1.0), 0.5, 0.25, 0.125])
		})
		.collect();
	let calls = inputs
		.iter()
		.enumerate()
		.map(|(i, input)| call(&module, "infer", infer_params_for(&hash, input, i as u64)));
	let results: Vec<Value> = join_all(calls).await.into_iter().map(Result::unwrap).collect();
	for (i, result) in results.iter().enumerate() {
		if i == 2 {
			assert_eq!(result["outcome"], json!({"refused": "forward_failed"}));
			assert_eq!(result["output"], "");
		} else {
			// Quantized at 3 decimals: 2 × (i + 1, 0.5, 0.25, 0.125) as i64 milli-units.
			let expected: Vec<u8> = [2000 * (i as i64 + 1), 1000, 500, 250]
				.iter()
				.flat_map(|v| v.to_le_bytes())
				.collect();
			let output = {
				use base64::Engine as _;
				base64::engine::general_purpose::STANDARD
					.decode(result["output"].as_str().unwrap())
					.unwrap()
			};
			assert_eq!(output, expected, "request {i}");
			assert_eq!(outcome_of(result), Outcome::Output(digest(&expected)));
		}
		assert_attested(result, hash, &inputs[i], i as u64, outcome_of(result));
	}
	// The worker keeps serving, alone and in batches.
	let again = call(&module, "infer", infer_params_for(&hash, &inputs[0], 9)).await.unwrap();
	assert_eq!(again["outcome"], results[0]["outcome"]);
	let health = call(&module, "health", Value::Null).await.unwrap();
	assert_eq!(health["loaded"].as_array().unwrap().len(), 1);
}
